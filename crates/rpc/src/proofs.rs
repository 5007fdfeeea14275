//! Batch proofs over JSON-RPC: the proof job's state in `zks_getL1BatchDetails`, and `ferrum_getBatchProof` /
//! `ferrum_getProverInfo` (docs/architecture.md, "Proving").

use std::sync::Arc;

use alloy_primitives::{B256, Bytes, U64};
use ferrum_sequencer::Chain;
use ferrum_state::ProofJob;
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::Serialize;

use crate::error::{internal, invalid_params};

/// Largest piece of a proof one `ferrum_getBatchProof` returns (a proof may be tens of MB).
pub const PROOF_CHUNK_BYTES: usize = 4 << 20;

/// The proof job of a batch, as `zks_getL1BatchDetails` reports it (`proof`). Times are Unix milliseconds.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProofDetails {
    /// `queued`, `proving`, `proven` (proof stored and verified against the public input), `failed`.
    status: &'static str,
    /// The prover holding (or that made) it.
    worker: String,
    attempts: u64,
    queued_at: u64,
    started_at: Option<u64>,
    /// The holder's last heartbeat while proving.
    heartbeat_at: Option<u64>,
    proven_at: Option<u64>,
    /// From the start of the successful attempt to the stored proof.
    proving_time_ms: Option<u64>,
    /// The guest's cycles (known once proving started).
    cycles: u64,
    /// Segments proven so far (all of them once proven).
    segments: u64,
    witness_bytes: u64,
    proof_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl From<ProofJob> for ProofDetails {
    fn from(j: ProofJob) -> Self {
        let at = |t: u64| (t != 0).then_some(t);
        Self {
            status: j.status().as_str(),
            worker: j.worker,
            attempts: j.attempts,
            queued_at: j.queued_at_ms,
            started_at: at(j.started_at_ms),
            heartbeat_at: at(j.heartbeat_at_ms),
            proven_at: at(j.proven_at_ms),
            proving_time_ms: (j.proven_at_ms != 0)
                .then(|| j.proven_at_ms.saturating_sub(j.started_at_ms)),
            cycles: j.cycles,
            segments: j.segments,
            witness_bytes: j.witness_bytes,
            proof_bytes: j.proof_bytes,
            error: (!j.error.is_empty()).then_some(j.error),
        }
    }
}

/// A piece of a stored proof.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProofChunk {
    /// The batch.
    batch: U64,
    /// The proof's whole size.
    size: U64,
    /// Where `data` starts.
    offset: U64,
    /// At most [`PROOF_CHUNK_BYTES`] bytes from `offset`.
    data: Bytes,
}

/// `ferrum_getProverInfo`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProverInfo {
    /// keccak256 of the batch guest's ELF that this node proves and verifies with; `null` when it does not prove.
    batch_guest_id: Option<B256>,
}

#[rpc(server, namespace = "ferrum")]
pub(crate) trait FerrumApi {
    /// Up to 4 MiB of batch `batch`'s stored proof from byte `offset`; `null` while the batch has no proof.
    #[method(name = "getBatchProof")]
    fn batch_proof(&self, batch: U64, offset: Option<U64>) -> RpcResult<Option<ProofChunk>>;
    /// The guest this node's proofs are made with.
    #[method(name = "getProverInfo")]
    fn prover_info(&self) -> RpcResult<ProverInfo>;
}

pub(crate) struct FerrumApi {
    pub(crate) chain: Arc<Chain>,
    pub(crate) batch_guest_id: Option<B256>,
}

impl FerrumApiServer for FerrumApi {
    fn batch_proof(&self, batch: U64, offset: Option<U64>) -> RpcResult<Option<ProofChunk>> {
        let Some(proof) = self
            .chain
            .store
            .batch_proof(batch.to::<u64>())
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let offset = offset.map_or(0, |o| o.to::<u64>());
        let start = usize::try_from(offset)
            .ok()
            .filter(|&o| o <= proof.len())
            .ok_or_else(|| {
                invalid_params(format!(
                    "offset {offset} is past the proof's {} bytes",
                    proof.len()
                ))
            })?;
        let end = proof.len().min(start + PROOF_CHUNK_BYTES);
        Ok(Some(ProofChunk {
            batch,
            size: U64::from(proof.len()),
            offset: U64::from(start),
            data: Bytes::copy_from_slice(&proof[start..end]),
        }))
    }

    fn prover_info(&self) -> RpcResult<ProverInfo> {
        Ok(ProverInfo {
            batch_guest_id: self.batch_guest_id,
        })
    }
}
