//! The well-known development accounts ("test test ... junk").

use alloy::signers::local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English};

/// The test mnemonic used by anvil and hardhat.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first `n` accounts of [`DEV_MNEMONIC`] at `m/44'/60'/0'/0/i`.
pub fn dev_signers(n: u32) -> anyhow::Result<Vec<PrivateKeySigner>> {
    (0..n)
        .map(|i| {
            Ok(MnemonicBuilder::<English>::default()
                .phrase(DEV_MNEMONIC)
                .index(i)?
                .build()?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_dev_account_is_the_well_known_one() {
        let s = dev_signers(2).unwrap();
        assert_eq!(
            s[0].address().to_string(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(
            s[1].address().to_string(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        );
    }
}
