//! Calls against a state without committing: `eth_call` and `eth_estimateGas`.

use alloc::vec::Vec;
use alloy_eips::eip2930::AccessList;
use alloy_primitives::{Address, B256, Bytes, Log, TxKind, U256};
use revm::{
    ExecuteEvm,
    context::{TxEnv, result::ExecutionResult},
};

use crate::{
    BlockContext, ChainConfig, InvalidTx, StateOracle, StfError, TxOutcome,
    executor::{build_evm, classify},
    overlay::Overlay,
};

/// A call to simulate (the fields of `eth_call`'s transaction object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallRequest {
    /// Caller (zero address if not given).
    pub from: Address,
    /// Callee, or create.
    pub to: TxKind,
    /// Gas limit; `None` uses the cap given to the simulation.
    pub gas: Option<u64>,
    /// Gas price (legacy) or max fee per gas; `None` simulates a free call.
    pub gas_price: Option<u128>,
    /// Max priority fee per gas.
    pub max_priority_fee_per_gas: Option<u128>,
    /// Value sent.
    pub value: U256,
    /// Call data.
    pub data: Bytes,
    /// Nonce; `None` skips the nonce check.
    pub nonce: Option<u64>,
    /// EIP-2930 access list.
    pub access_list: AccessList,
    /// EIP-4844 versioned hashes that BLOBHASH reads (a chain without blobs leaves them empty).
    pub blob_hashes: Vec<B256>,
}

/// Outcome of a simulated call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationResult {
    /// True on success.
    pub success: bool,
    /// True if the call reverted with `REVERT` (its data is in `output`).
    pub reverted: bool,
    /// Gas used.
    pub gas_used: u64,
    /// Return data, or revert data.
    pub output: Bytes,
    /// Logs the call would emit.
    pub logs: Vec<Log>,
}

fn call_tx_env(config: &ChainConfig, req: &CallRequest, gas: u64) -> TxEnv {
    let blobs = !req.blob_hashes.is_empty();
    TxEnv {
        // revm shows blob hashes to BLOBHASH only in a blob transaction.
        tx_type: if blobs {
            3
        } else if req.max_priority_fee_per_gas.is_some() {
            2
        } else {
            0
        },
        caller: req.from,
        gas_limit: gas,
        gas_price: req.gas_price.unwrap_or(0),
        kind: req.to,
        value: req.value,
        data: req.data.clone(),
        nonce: req.nonce.unwrap_or(0),
        chain_id: Some(config.chain_id),
        access_list: req.access_list.clone(),
        gas_priority_fee: req.max_priority_fee_per_gas.or(blobs.then_some(0)),
        blob_hashes: req.blob_hashes.clone(),
        // The blob gas price of a chain with blobs is always the minimum.
        max_fee_per_blob_gas: u128::from(blobs),
        authorization_list: Vec::new(),
    }
}

/// Runs `req` on top of `oracle`'s state in the context `ctx`; `gas_cap` bounds the gas.
///
/// Returns `Ok(Err(_))` if the call is not a valid transaction (e.g. the caller cannot pay the
/// value), `Err(_)` if the state could not be read.
pub fn simulate<O: StateOracle>(
    config: &ChainConfig,
    ctx: &BlockContext,
    oracle: O,
    req: &CallRequest,
    gas_cap: u64,
) -> Result<Result<SimulationResult, InvalidTx>, StfError<O::Error>> {
    let mut runner = Runner::new(config, ctx, oracle, req);
    runner.run(req.gas.unwrap_or(gas_cap).min(gas_cap))
}

struct Runner<'r, O: StateOracle> {
    config: &'r ChainConfig,
    req: &'r CallRequest,
    evm: revm::handler::MainnetEvm<revm::handler::MainnetContext<Overlay<O>>>,
}

impl<'r, O: StateOracle> Runner<'r, O> {
    fn new(config: &'r ChainConfig, ctx: &BlockContext, oracle: O, req: &'r CallRequest) -> Self {
        let mut evm = build_evm(config, ctx, Overlay::new(oracle));
        evm.ctx.cfg.disable_nonce_check = req.nonce.is_none();
        evm.ctx.cfg.disable_base_fee = req.gas_price.is_none();
        evm.ctx.cfg.disable_block_gas_limit = true;
        Self { config, req, evm }
    }

    fn run(&mut self, gas: u64) -> Result<Result<SimulationResult, InvalidTx>, StfError<O::Error>> {
        let out = match self.evm.transact(call_tx_env(self.config, self.req, gas)) {
            Ok(out) => out.result,
            Err(e) => return classify(e).map(Err),
        };
        let gas_used = out.tx_gas_used();
        Ok(Ok(match out {
            ExecutionResult::Success { logs, output, .. } => SimulationResult {
                success: true,
                reverted: false,
                gas_used,
                output: output.into_data(),
                logs,
            },
            ExecutionResult::Revert { output, logs, .. } => SimulationResult {
                success: false,
                reverted: true,
                gas_used,
                output,
                logs,
            },
            ExecutionResult::Halt { logs, .. } => SimulationResult {
                success: false,
                reverted: false,
                gas_used,
                output: Bytes::new(),
                logs,
            },
        }))
    }
}

/// Outcome of [`estimate_gas`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// The smallest gas limit with which the call succeeds.
    Gas(u64),
    /// The call fails even at the cap (its revert data, if any, is in the result).
    Failed(SimulationResult),
    /// The call is not a valid transaction.
    Invalid(InvalidTx),
}

/// Smallest gas limit (at most `gas_cap`) with which `req` succeeds, found by binary search.
pub fn estimate_gas<O: StateOracle>(
    config: &ChainConfig,
    ctx: &BlockContext,
    oracle: O,
    req: &CallRequest,
    gas_cap: u64,
) -> Result<Estimate, StfError<O::Error>> {
    let mut runner = Runner::new(config, ctx, oracle, req);
    let hi_cap = req.gas.unwrap_or(gas_cap).min(gas_cap);
    let first = match runner.run(hi_cap)? {
        Ok(r) if r.success => r,
        Ok(r) => return Ok(Estimate::Failed(r)),
        Err(invalid) => return Ok(Estimate::Invalid(invalid)),
    };
    // Try the optimistic guess first: most calls need only gas_used plus the 63/64 reserve.
    let mut lo = first.gas_used.saturating_sub(1);
    let mut hi = hi_cap;
    let guess = (first.gas_used + 2_300).saturating_mul(64) / 63;
    if guess < hi {
        match runner.run(guess)? {
            Ok(r) if r.success => hi = guess,
            _ => lo = guess,
        }
    }
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        match runner.run(mid)? {
            Ok(r) if r.success => hi = mid,
            _ => lo = mid,
        }
    }
    Ok(Estimate::Gas(hi))
}

/// The smallest L2 gas limit with which the priority transaction `tx` succeeds on top of `oracle`'s state
/// (`zks_estimateGasL1ToL2`). `tx.mint` is set to cover `value` plus the fee at each tried limit, as the L1
/// caller's `mintValue` would. `Estimate::Failed`/`Invalid` if it fails even at `gas_cap`.
pub fn estimate_l1_gas<O: StateOracle>(
    config: &ChainConfig,
    ctx: &BlockContext,
    oracle: &O,
    tx: &ferrum_primitives::L1Tx,
    gas_cap: u64,
) -> Result<Estimate, StfError<O::Error>> {
    let run = |gas: u64| -> Result<Option<u64>, StfError<O::Error>> {
        let mut t = tx.clone();
        t.gas_limit = U256::from(gas);
        t.mint = t.value + U256::from(gas) * U256::from(ctx.base_fee);
        let mut ex = crate::BlockExecutor::new(config, *ctx, oracle);
        match ex.execute_l1(t)? {
            TxOutcome::Included {
                success: true,
                gas_used,
            } => Ok(Some(gas_used)),
            _ => Ok(None),
        }
    };
    let cap = gas_cap.min(ctx.gas_limit);
    let Some(used) = run(cap)? else {
        return Ok(Estimate::Invalid(InvalidTx::Other(
            "the L1→L2 call fails at the gas cap".into(),
        )));
    };
    let (mut lo, mut hi) = (used.saturating_sub(1), cap);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if run(mid)?.is_some() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Estimate::Gas(hi))
}
