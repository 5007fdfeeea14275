//! `ferrum batch proof|verify`: download a batch's proof from a node, and check it against the batch's public input
//! and this build's batch guest (docs/architecture.md, "Proving").

use std::{path::PathBuf, time::Instant};

use alloy::providers::{Provider, ProviderBuilder};
use alloy_primitives::{B256, Bytes, U64};
use anyhow::{Context as _, bail};
use clap::Subcommand;
use ferrum_prover::{BatchGuest, verify_batch};
use serde::Deserialize;

/// Largest proof downloaded (a batch of ~100 segments).
const MAX_PROOF_BYTES: u64 = 1 << 30;

/// The `batch` subcommands.
#[derive(Subcommand)]
pub(crate) enum BatchCommand {
    /// Download batch N's proof file from a node.
    Proof {
        /// The batch.
        number: u64,
        /// The node's JSON-RPC URL.
        #[arg(long, default_value = "http://127.0.0.1:8545")]
        rpc: String,
        /// Where to write the proof file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify batch N's proof (from the node, or `--proof FILE`) against the public input the node reports for the
    /// batch and this build's batch guest; exit status 0 only when it verifies.
    Verify {
        /// The batch.
        number: u64,
        /// The node's JSON-RPC URL.
        #[arg(long, default_value = "http://127.0.0.1:8545")]
        rpc: String,
        /// A proof file to check instead of the node's.
        #[arg(long)]
        proof: Option<PathBuf>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchDetails {
    public_input: B256,
    proof: Option<ProofDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProofDetails {
    status: String,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProofChunk {
    size: U64,
    offset: U64,
    data: Bytes,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProverInfo {
    batch_guest_id: Option<B256>,
}

/// Runs a `batch` subcommand.
pub(crate) async fn main(command: BatchCommand) -> anyhow::Result<()> {
    match command {
        BatchCommand::Proof { number, rpc, out } => {
            let proof = download(&rpc, number).await?;
            std::fs::write(&out, &proof).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "batch {number}: proof of {} bytes written to {}",
                proof.len(),
                out.display()
            );
            Ok(())
        }
        BatchCommand::Verify { number, rpc, proof } => {
            let provider = ProviderBuilder::new()
                .connect_http(rpc.parse().with_context(|| format!("RPC URL {rpc}"))?);
            let details: Option<BatchDetails> = provider
                .raw_request("zks_getL1BatchDetails".into(), (number,))
                .await
                .with_context(|| format!("zks_getL1BatchDetails({number}) at {rpc}"))?;
            let details = details.with_context(|| format!("the node has no batch {number}"))?;
            let guest = BatchGuest::embedded()?;
            let info: ProverInfo = provider
                .raw_request("ferrum_getProverInfo".into(), ())
                .await
                .with_context(|| format!("ferrum_getProverInfo at {rpc}"))?;
            if let Some(id) = info.batch_guest_id
                && id != guest.id()
            {
                bail!(
                    "the node proves with batch guest {id}, this ferrum verifies with {}: use the ferrum release \
                     that matches the chain's guest",
                    guest.id()
                );
            }
            let bytes = match proof {
                Some(path) => {
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?
                }
                None => download(&rpc, number).await?,
            };
            let start = Instant::now();
            verify_batch(&guest, &bytes, &details.public_input)
                .with_context(|| format!("batch {number}'s proof does not verify"))?;
            println!(
                "batch {number}: proof verified ({} bytes, {:.2} s)\npublic input: {}\nbatch guest: {}",
                bytes.len(),
                start.elapsed().as_secs_f64(),
                details.public_input,
                guest.id()
            );
            Ok(())
        }
    }
}

/// Downloads a batch's proof in `ferrum_getBatchProof` chunks.
async fn download(rpc: &str, number: u64) -> anyhow::Result<Vec<u8>> {
    let provider =
        ProviderBuilder::new().connect_http(rpc.parse().with_context(|| format!("RPC URL {rpc}"))?);
    let mut proof = Vec::new();
    loop {
        let chunk: Option<ProofChunk> = provider
            .raw_request(
                "ferrum_getBatchProof".into(),
                (U64::from(number), U64::from(proof.len())),
            )
            .await
            .with_context(|| format!("ferrum_getBatchProof({number}) at {rpc}"))?;
        let Some(chunk) = chunk else {
            let details: Option<BatchDetails> = provider
                .raw_request("zks_getL1BatchDetails".into(), (number,))
                .await?;
            let why = match details.and_then(|d| d.proof) {
                Some(p) => format!("its proof job is {}{}", p.status, p.error.map(|e| format!(": {e}")).unwrap_or_default()),
                None => "the node has no proof job for it (no such batch, the genesis batch, or proving is off)".into(),
            };
            bail!("batch {number} has no proof yet: {why}");
        };
        let size = chunk.size.to::<u64>();
        if size > MAX_PROOF_BYTES {
            bail!("the node's proof is {size} bytes, over the limit of {MAX_PROOF_BYTES}");
        }
        if chunk.offset.to::<u64>() != proof.len() as u64
            || chunk.data.is_empty() && (proof.len() as u64) < size
        {
            bail!(
                "the node answered a chunk at offset {} for offset {}",
                chunk.offset,
                proof.len()
            );
        }
        proof.extend_from_slice(&chunk.data);
        if proof.len() as u64 >= size {
            if proof.len() as u64 != size {
                bail!(
                    "the node's proof chunks add up to {} bytes, not {size}",
                    proof.len()
                );
            }
            return Ok(proof);
        }
    }
}
