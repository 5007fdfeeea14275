//! The proof file: a run's claim and its segment proofs in one byte string (`ferrum zkvm prove` writes
//! it, the batch prover stores and serves it). Layout in docs/zkvm.md, "Command line".
//!
//! A segment's final state (every non-zero word of memory) is most of a segment proof's size and changes
//! little from one segment to the next, so the file holds each one as its changes from the state before the
//! segment (the program's image for the first): encoding and decoding need the program.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::{
    Claim, Program, Proof, SecurityParams, SegmentProof, error::VerifyError, prover::initial_state,
    verify_segments,
};

/// First bytes of a proof file.
pub const PROOF_FILE_MAGIC: [u8; 8] = *b"FERRUMZK";
/// Version of the proof file format (2: postcard body, final states as changes, `PRODUCTION` parameters).
pub const PROOF_FILE_VERSION: u32 = 2;

/// A run's claim and the segment proofs that prove it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofFile {
    /// What the segments claim: exit code and output words.
    pub claim: Claim,
    /// One proof per segment, in order.
    pub segments: Vec<SegmentProof>,
}

/// The postcard body after the magic and version.
#[derive(Serialize, Deserialize)]
struct Body {
    exit_code: u32,
    output: Vec<u32>,
    segments: Vec<SegmentBody>,
}

#[derive(Serialize, Deserialize)]
struct SegmentBody {
    proof: Vec<u8>,
    end_pc: u32,
    halted: bool,
    exit_code: u32,
    output: Vec<u32>,
    /// The words whose value differs from the state before the segment, by address; 0 = the word became 0.
    state_changes: Vec<(u32, u32)>,
}

impl ProofFile {
    /// `magic ‖ version (u32 LE) ‖ postcard(body)`; `program` is the one the segments run.
    pub fn encode(&self, program: &Program) -> Vec<u8> {
        let mut state = initial_state(program);
        let mut segments = Vec::with_capacity(self.segments.len());
        for s in &self.segments {
            let mut state_changes = Vec::new();
            if !s.halted {
                let next: BTreeMap<u32, u32> = s.final_state.iter().copied().collect();
                state_changes.extend(
                    state
                        .iter()
                        .filter(|(a, _)| !next.contains_key(a))
                        .map(|(&a, _)| (a, 0)),
                );
                state_changes.extend(
                    next.iter()
                        .filter(|(a, v)| state.get(a) != Some(v))
                        .map(|(&a, &v)| (a, v)),
                );
                state_changes.sort_unstable();
                state = next;
            }
            segments.push(SegmentBody {
                proof: s.proof.bytes.clone(),
                end_pc: s.end_pc,
                halted: s.halted,
                exit_code: s.exit_code,
                output: s.output.clone(),
                state_changes,
            });
        }
        let body = Body {
            exit_code: self.claim.exit_code,
            output: self.claim.output.clone(),
            segments,
        };
        let mut bytes = PROOF_FILE_MAGIC.to_vec();
        bytes.extend_from_slice(&PROOF_FILE_VERSION.to_le_bytes());
        // Serializing owned vectors and integers into a Vec cannot fail.
        bytes.extend(postcard::to_allocvec(&body).unwrap_or_default());
        bytes
    }

    /// Parses a proof file of a run of `program` (checks the framing only; [`ProofFile::verify`] checks the
    /// proofs).
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] for a wrong magic or version, a body that does not decode, state changes out
    /// of order, or trailing bytes.
    pub fn decode(bytes: &[u8], program: &Program) -> Result<Self, VerifyError> {
        let malformed = |m: String| VerifyError::Malformed(m);
        let rest = bytes
            .strip_prefix(&PROOF_FILE_MAGIC)
            .ok_or_else(|| malformed("not a ferrum zkVM proof file (bad magic)".into()))?;
        let (version, body) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| malformed("truncated proof file".into()))?;
        let version = u32::from_le_bytes(*version);
        if version != PROOF_FILE_VERSION {
            return Err(malformed(format!(
                "proof file version {version}; this ferrum reads version {PROOF_FILE_VERSION}"
            )));
        }
        let (body, rest) = postcard::take_from_bytes::<Body>(body)
            .map_err(|e| malformed(format!("proof file body: {e}")))?;
        if !rest.is_empty() {
            return Err(malformed(format!(
                "proof file has {} trailing bytes",
                rest.len()
            )));
        }
        let mut state = initial_state(program);
        let mut segments = Vec::with_capacity(body.segments.len());
        for (i, s) in body.segments.into_iter().enumerate() {
            if !s.state_changes.is_sorted_by(|a, b| a.0 < b.0) {
                return Err(malformed(format!(
                    "segment {i}: state changes not in address order"
                )));
            }
            if s.halted && !s.state_changes.is_empty() {
                return Err(malformed(format!(
                    "segment {i}: a halting segment has no final state"
                )));
            }
            for (a, v) in s.state_changes {
                if v == 0 {
                    state.remove(&a);
                } else {
                    state.insert(a, v);
                }
            }
            segments.push(SegmentProof {
                proof: Proof { bytes: s.proof },
                end_pc: s.end_pc,
                halted: s.halted,
                exit_code: s.exit_code,
                output: s.output,
                final_state: if s.halted {
                    Vec::new()
                } else {
                    state.iter().map(|(&a, &v)| (a, v)).collect()
                },
            });
        }
        Ok(Self {
            claim: Claim {
                exit_code: body.exit_code,
                output: body.output,
            },
            segments,
        })
    }

    /// Verifies the segments against `program` ([`verify_segments`]) and that they prove exactly the file's claim.
    ///
    /// # Errors
    /// [`VerifyError`] when a segment does not verify, the segments do not link, or they prove another claim.
    pub fn verify(&self, program: &Program, params: &SecurityParams) -> Result<(), VerifyError> {
        let proven = verify_segments(program, &self.segments, params)?;
        if proven != self.claim {
            return Err(VerifyError::Shape(format!(
                "the segments prove exit code {} and {} output words, the file claims exit code {} and {} words",
                proven.exit_code,
                proven.output.len(),
                self.claim.exit_code,
                self.claim.output.len()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        // Data words: the first segment's changes are against a non-empty image.
        Program::from_elf(&crate::asm::elf(&crate::asm::HALT, &[3, 0, 4])).unwrap()
    }

    fn sample() -> ProofFile {
        let segment = |halted: bool, final_state: Vec<(u32, u32)>| SegmentProof {
            proof: Proof { bytes: vec![9; 10] },
            end_pc: if halted { 0 } else { 0x1000 },
            halted,
            exit_code: 0,
            output: vec![1],
            final_state,
        };
        ProofFile {
            claim: Claim {
                exit_code: 0,
                output: vec![1, 1, 1],
            },
            segments: vec![
                segment(false, vec![(1, 5), (40, 7), (41, 8)]),
                segment(false, vec![(1, 6), (41, 8), (50, 1)]),
                segment(true, vec![]),
            ],
        }
    }

    #[test]
    fn round_trip_with_final_states_as_changes() {
        let (p, f) = (program(), sample());
        assert_eq!(ProofFile::decode(&f.encode(&p), &p).unwrap(), f);
    }

    #[test]
    fn framing_errors() {
        let p = program();
        let bytes = sample().encode(&p);
        for bad in [
            &b"FERRUMZX"[..],
            &bytes[..10],
            &[&bytes[..8], &1u32.to_le_bytes()[..], &bytes[12..]].concat(),
            &[&bytes[..], &[0u8][..]].concat(),
            &bytes[..bytes.len() - 1],
        ] {
            assert!(matches!(
                ProofFile::decode(bad, &p),
                Err(VerifyError::Malformed(_))
            ));
        }
    }
}
