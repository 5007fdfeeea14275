//! The EIP-1559 base-fee rule with a floor.

/// Parameters of the base-fee rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FeeParams {
    /// The base fee never falls below this (wei per gas).
    pub min_base_fee: u64,
    /// Gas target = gas limit / elasticity (EIP-1559: 2).
    pub elasticity_multiplier: u64,
    /// Max change per block = 1 / denominator (EIP-1559: 8).
    pub max_change_denominator: u64,
}

impl Default for FeeParams {
    fn default() -> Self {
        Self {
            min_base_fee: 25_000_000,
            elasticity_multiplier: 2,
            max_change_denominator: 8,
        }
    }
}

/// Base fee of the block after a parent that used `gas_used` of `gas_limit` at `base_fee`.
pub fn next_base_fee(params: &FeeParams, gas_used: u64, gas_limit: u64, base_fee: u64) -> u64 {
    let target = (gas_limit / params.elasticity_multiplier.max(1)).max(1);
    let denom = params.max_change_denominator.max(1) as u128;
    let base = base_fee as u128;
    let next = if gas_used == target {
        base
    } else if gas_used > target {
        let delta = (base * (gas_used - target) as u128 / target as u128 / denom).max(1);
        base + delta
    } else {
        let delta = base * (target - gas_used) as u128 / target as u128 / denom;
        base.saturating_sub(delta)
    };
    (next.min(u64::MAX as u128) as u64).max(params.min_base_fee)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_eip1559_and_floor() {
        let p = FeeParams {
            min_base_fee: 7,
            ..Default::default()
        };
        // Full block: +12.5%.
        assert_eq!(next_base_fee(&p, 100, 100, 1_000_000_000), 1_125_000_000);
        // Empty block: -12.5%.
        assert_eq!(next_base_fee(&p, 0, 100, 1_000_000_000), 875_000_000);
        // At target: unchanged.
        assert_eq!(next_base_fee(&p, 50, 100, 1_000_000_000), 1_000_000_000);
        // Never below the floor.
        assert_eq!(next_base_fee(&p, 0, 100, 8), 7);
    }
}
