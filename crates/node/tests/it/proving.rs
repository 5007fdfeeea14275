//! Proving every batch end to end: a node with its in-process prover settles on the embedded dev L1; each batch
//! is proven and verified natively before L1 proves it; the proven public input is the one L1 computes from the
//! batch it stored at commit; `ferrum batch proof|verify` fetch and check proofs; a prover killed mid-proof
//! restarts and the batch is proven once.

use std::{process::Command, time::Duration};

use alloy::providers::ProviderBuilder;
use alloy_primitives::{B256, U256};
use ferrum_l1::bindings::zk_chain::ZKChain;
use ferrum_node::{NodeConfig, spawn};
use serde_json::{Value, json};

use crate::{
    common::call,
    settlement::{settling_config_at, transfer},
};

/// Polls `zks_getL1BatchDetails(n)` until its proof job is `status`; fails on a failed job. Proving in the debug
/// build on 2 cores takes minutes.
async fn wait_proof(url: &str, n: u64, status: &str, min_segments: u64) -> Value {
    for _ in 0..6_000 {
        let d = call(url, "zks_getL1BatchDetails", json!([n])).await["result"].clone();
        let proof = &d["proof"];
        assert_ne!(proof["status"], "failed", "batch {n}: {proof}");
        if proof["status"] == status && proof["segments"].as_u64().unwrap_or(0) >= min_segments {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("batch {n}'s proof never reached {status}");
}

fn proving_config(dir: &std::path::Path, l1_url: &str) -> NodeConfig {
    let mut c = settling_config_at(dir, l1_url);
    c.prover.enabled = true;
    c.sequencer.batch_max_age_secs = 2;
    c
}

fn ferrum(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_proven_before_l1_proves_it_and_anyone_can_verify_its_proof() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let node = spawn(proving_config(&dir.path().join("l2"), &l1.http_url()))
        .await
        .unwrap();
    let url = node.http_url();
    let info = call(&url, "ferrum_getProverInfo", json!([])).await["result"].clone();
    let guest = ferrum_prover::guest_id(ferrum_prover::BATCH_GUEST_ELF);
    assert_eq!(info["batchGuestId"], json!(guest));
    transfer(&url, 0).await;
    let l1p = ProviderBuilder::new().connect_http(l1.http_url().parse().unwrap());
    let deployment = node.deployment.clone().unwrap();
    let zk_chain = ZKChain::new(deployment.chains[&node.chain.config.chain_id], &l1p);

    // Until batch 1's proof is stored, L1 may commit it but never prove it.
    let mut saw_proving = false;
    let details = loop {
        let d = call(&url, "zks_getL1BatchDetails", json!([1])).await["result"].clone();
        let status = d["proof"]["status"].as_str().unwrap_or("").to_string();
        assert_ne!(status, "failed", "{d}");
        if status == "proven" {
            break d;
        }
        saw_proving |= status == "proving";
        assert_eq!(
            zk_chain.getTotalBatchesVerified().call().await.unwrap(),
            U256::ZERO,
            "L1 proved batch 1 before its proof existed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(saw_proving);
    let proof = &details["proof"];
    assert!(proof["cycles"].as_u64().unwrap() > 100_000, "{proof}");
    assert!(proof["provingTimeMs"].as_u64().unwrap() > 0);
    assert_eq!(proof["attempts"], 1);
    eprintln!("batch 1: {proof}");
    crate::settlement::wait_until("L1 to prove batch 1", || async {
        zk_chain.getTotalBatchesVerified().call().await.unwrap() >= U256::from(1)
    })
    .await;

    // The proven public input is the one L1 computes from what it stored at commit.
    let record = |n: u64| {
        ferrum_sequencer::BatchRecord::decode_stored(&node.chain.store.batch(n).unwrap().unwrap())
            .unwrap()
    };
    let (prev, info1) = (
        ferrum_l1::sender::stored_batch_info(&record(0), B256::ZERO),
        ferrum_l1::sender::stored_batch_info(&record(1), B256::ZERO),
    );
    assert_eq!(
        zk_chain
            .storedBatchHash(U256::from(1))
            .call()
            .await
            .unwrap(),
        alloy_primitives::keccak256(alloy::sol_types::SolValue::abi_encode(&info1))
    );
    let on_l1 = zk_chain
        .batchPublicInput(prev.batchHash, info1.batchHash, info1.commitment)
        .call()
        .await
        .unwrap();
    let public_input: B256 = serde_json::from_value(details["publicInput"].clone()).unwrap();
    assert_eq!(B256::from(on_l1), public_input);
    let stored = node.chain.store.batch_proof(1).unwrap().unwrap();
    let guest_program = ferrum_prover::BatchGuest::embedded().unwrap();
    let file = ferrum_zkvm::ProofFile::decode(&stored, guest_program.program()).unwrap();
    assert_eq!(
        file.claim.output,
        ferrum_prover::public_input_words(&B256::from(on_l1))
    );

    // `ferrum batch proof` downloads it byte for byte; `ferrum batch verify` accepts it ...
    let out = dir.path().join("batch1.proof");
    let (code, text) = ferrum(&[
        "batch",
        "proof",
        "1",
        "--rpc",
        &url,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), stored);
    let (code, text) = ferrum(&["batch", "verify", "1", "--rpc", &url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("proof verified"), "{text}");

    // ... and refuses a tampered proof, a proof checked as another batch's, and a batch without a proof.
    let mut tampered = stored.clone();
    let mid = tampered.len() / 2;
    tampered[mid] ^= 1;
    let bad = dir.path().join("bad.proof");
    std::fs::write(&bad, tampered).unwrap();
    let (code, text) = ferrum(&[
        "batch",
        "verify",
        "1",
        "--rpc",
        &url,
        "--proof",
        bad.to_str().unwrap(),
    ]);
    assert_ne!(code, 0, "{text}");
    let (code, text) = ferrum(&[
        "batch",
        "verify",
        "0",
        "--rpc",
        &url,
        "--proof",
        out.to_str().unwrap(),
    ]);
    assert_ne!(code, 0, "{text}");
    let (code, text) = ferrum(&["batch", "verify", "0", "--rpc", &url]);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("no proof"), "{text}");
    // An offset past the end is a clear error.
    let r = call(&url, "ferrum_getBatchProof", json!([1, stored.len() + 1])).await;
    assert!(
        r["error"]["message"].as_str().unwrap().contains("past"),
        "{r}"
    );

    node.stop().await.unwrap();
    l1.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prover_killed_mid_proof_restarts_and_the_batch_is_proven_once() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut config = proving_config(&dir.path().join("l2"), &l1.http_url());
    // Small segments: the first is proven (and reported) soon, so the kill lands mid-proof.
    config.prover.segment_cycles = 1 << 17;
    let port = crate::common::free_port();
    config.rpc.addr = format!("127.0.0.1:{port}").parse().unwrap();
    let url = format!("http://127.0.0.1:{port}");

    let mut child = crate::settlement::start_binary(&config);
    crate::common::wait_ready(&url).await;
    transfer(&url, 0).await;
    let before = wait_proof(&url, 1, "proving", 1).await;
    child.kill().unwrap(); // SIGKILL, mid-proof
    child.wait().unwrap();
    assert_eq!(before["proof"]["attempts"], 1);

    let mut child = crate::settlement::start_binary(&config);
    crate::common::wait_ready(&url).await;
    let after = wait_proof(&url, 1, "proven", 0).await;
    assert_eq!(after["proof"]["attempts"], 2, "{after}");
    // Settlement goes on: L1 proves and executes the batch.
    crate::settlement::wait_until("batch 1 executed on L1", || async {
        call(&url, "zks_getL1BatchDetails", json!([1])).await["result"]["executeTxHash"].is_string()
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    l1.stop().await.unwrap();
}

fn start_prover(db: &str, name: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args([
            "prover",
            "--prover-db",
            db,
            "--name",
            name,
            "--segment-cycles",
            "131072",
            "--heartbeat-timeout-secs",
            "8",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provers_on_a_postgres_queue_prove_the_batch_once_when_one_is_killed_mid_proof() {
    let pg = ferrum_prover::testing::TestPostgres::start();
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut config = proving_config(&dir.path().join("l2"), &l1.http_url());
    // No prover in the node: two `ferrum prover` processes take the jobs from PostgreSQL.
    config.prover.workers = 0;
    config.prover.database_url = Some(pg.url());
    config.prover.heartbeat_timeout_secs = 8;
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    let mut provers = [
        ("p1", start_prover(&pg.url(), "p1")),
        ("p2", start_prover(&pg.url(), "p2")),
    ];
    transfer(&url, 0).await;

    // Kill whichever prover holds batch 1 once it has proven a segment.
    let d = wait_proof(&url, 1, "proving", 1).await;
    let holder = d["proof"]["worker"].as_str().unwrap().to_string();
    let killed = provers
        .iter()
        .position(|(n, _)| holder.starts_with(n))
        .unwrap();
    provers[killed].1.kill().unwrap(); // SIGKILL, mid-proof
    provers[killed].1.wait().unwrap();

    // The survivor takes the job after the heartbeat lapses; the node verifies its proof and settles.
    let d = wait_proof(&url, 1, "proven", 0).await;
    let worker = d["proof"]["worker"].as_str().unwrap();
    assert!(worker.starts_with(provers[1 - killed].0), "{d}");
    assert_eq!(d["proof"]["attempts"], 2, "{d}");
    assert!(node.chain.store.batch_proof(1).unwrap().is_some());
    crate::settlement::wait_until("batch 1 executed on L1", || async {
        call(&url, "zks_getL1BatchDetails", json!([1])).await["result"]["executeTxHash"].is_string()
    })
    .await;
    let (code, text) = ferrum(&["batch", "verify", "1", "--rpc", &url]);
    assert_eq!(code, 0, "{text}");

    for (_, p) in &mut provers {
        let _ = p.kill();
        let _ = p.wait();
    }
    node.stop().await.unwrap();
    l1.stop().await.unwrap();
}
