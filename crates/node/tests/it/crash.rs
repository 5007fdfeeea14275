//! `kill -9` of the real binary: the restarted node has the same head and state root and every
//! transaction whose receipt was returned.

use std::process::{Child, Command, Stdio};

use alloy::{network::TransactionBuilder, providers::Provider, rpc::types::TransactionRequest};
use alloy_primitives::{Address, U256};

use crate::common::*;

fn start_binary(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args([
            "devnet",
            "--data-dir",
            dir.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--block-time-ms",
            "20",
            "--no-l1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ferrum")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = start_binary(dir.path(), port);
    wait_ready(&url).await;

    let p = provider(&url, signer(0));
    let mut acknowledged = Vec::new();
    for i in 0..20u64 {
        let to = Address::repeat_byte(0x20 + i as u8);
        let r = p
            .send_transaction(
                TransactionRequest::default()
                    .with_to(to)
                    .with_value(U256::from(1_000 + i)),
            )
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        acknowledged.push((
            r.transaction_hash,
            r.block_number.unwrap(),
            to,
            U256::from(1_000 + i),
        ));
    }
    // Keep load flowing while we kill: some of these may or may not make it; none was acknowledged.
    for _ in 0..20 {
        let _ = p
            .send_transaction(
                TransactionRequest::default()
                    .with_to(Address::repeat_byte(9))
                    .with_value(U256::from(1u64)),
            )
            .await;
    }
    let head_before = p.get_block_number().await.unwrap();
    let block_before = p
        .get_block_by_number(head_before.into())
        .await
        .unwrap()
        .unwrap();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = start_binary(dir.path(), port);
    wait_ready(&url).await;
    let p = provider(&url, signer(0));
    let head_after = p.get_block_number().await.unwrap();
    assert!(
        head_after >= head_before,
        "head went back: {head_before} -> {head_after}"
    );
    let same = p
        .get_block_by_number(head_before.into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(same.header.hash, block_before.header.hash);
    assert_eq!(same.header.state_root, block_before.header.state_root);
    for (hash, block, to, value) in &acknowledged {
        let r = p
            .get_transaction_receipt(*hash)
            .await
            .unwrap()
            .expect("acknowledged receipt survives");
        assert_eq!(r.block_number, Some(*block));
        assert_eq!(p.get_balance(*to).await.unwrap(), *value);
    }
    // The chain goes on from the recovered state.
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(Address::repeat_byte(3))
                .with_value(U256::from(5u64)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status());
    child.kill().unwrap();
    child.wait().unwrap();
}
