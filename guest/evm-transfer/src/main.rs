//! Guest: an ETH transfer executed by revm (no_std) over an in-memory state.
//!
//! Input: the amount in wei (one word). Output: success (1/0), gas used, the recipient's balance
//! (low word) and the sender's nonce after the transaction. Exit code 0.
#![no_std]
#![no_main]

extern crate alloc;

use ferrum_guest_runtime as rt;
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, TxKind, U256};
use revm::state::AccountInfo;
use revm::{Context, Database, ExecuteCommitEvm, MainBuilder, MainContext};

fn main() -> u32 {
    let amount = rt::read_word();
    let from = Address::repeat_byte(0xaa);
    let to = Address::repeat_byte(0xbb);
    let mut db = CacheDB::new(EmptyDB::new());
    db.insert_account_info(from, AccountInfo::from_balance(U256::from(1_000_000_000_000_000_000u64)));
    let mut evm = Context::mainnet().with_db(db).build_mainnet();
    let tx = TxEnv::builder()
        .caller(from)
        .kind(TxKind::Call(to))
        .value(U256::from(amount))
        .gas_limit(21_000)
        .gas_price(0)
        .build();
    let Ok(tx) = tx else { return 2 };
    let Ok(result) = evm.transact_commit(tx) else { return 3 };
    let success = result.is_success();
    rt::commit_word(u32::from(success));
    rt::commit_word(result.gas_used() as u32);
    let db = &mut evm.ctx.journaled_state.database;
    let balance = db.basic(to).ok().flatten().map_or(U256::ZERO, |a| a.balance);
    rt::commit_word(balance.as_limbs()[0] as u32);
    let nonce = db.basic(from).ok().flatten().map_or(0, |a| a.nonce);
    rt::commit_word(nonce as u32);
    if !success {
        // Diagnostics: the result, formatted.
        rt::commit_bytes(alloc::format!("{result:?}").as_bytes());
    }
    0
}

rt::entry!(main);
