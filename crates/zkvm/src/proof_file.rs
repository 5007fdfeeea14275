//! The proof file: a run's claim and its segment proofs in one byte string (`ferrum zkvm prove` writes
//! it, the batch prover stores and serves it). Layout in docs/zkvm.md, "Command line".

use serde::{Deserialize, Serialize};

use crate::{
    Claim, Program, Proof, SecurityParams, SegmentProof, error::VerifyError, verify_segments,
};

/// First bytes of a proof file.
pub const PROOF_FILE_MAGIC: [u8; 8] = *b"FERRUMZK";
/// Version of the proof file format (1: postcard body, `PRODUCTION` parameters).
pub const PROOF_FILE_VERSION: u32 = 1;

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
    final_state: Vec<(u32, u32)>,
}

impl ProofFile {
    /// `magic ‖ version (u32 LE) ‖ postcard(body)`.
    pub fn encode(&self) -> Vec<u8> {
        let body = Body {
            exit_code: self.claim.exit_code,
            output: self.claim.output.clone(),
            segments: self
                .segments
                .iter()
                .map(|s| SegmentBody {
                    proof: s.proof.bytes.clone(),
                    end_pc: s.end_pc,
                    halted: s.halted,
                    exit_code: s.exit_code,
                    output: s.output.clone(),
                    final_state: s.final_state.clone(),
                })
                .collect(),
        };
        let mut bytes = PROOF_FILE_MAGIC.to_vec();
        bytes.extend_from_slice(&PROOF_FILE_VERSION.to_le_bytes());
        // Serializing owned vectors and integers into a Vec cannot fail.
        bytes.extend(postcard::to_allocvec(&body).unwrap_or_default());
        bytes
    }

    /// Parses a proof file (checks the framing only; [`ProofFile::verify`] checks the proofs).
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] for a wrong magic or version, a body that does not decode, or trailing bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, VerifyError> {
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
        Ok(Self {
            claim: Claim {
                exit_code: body.exit_code,
                output: body.output,
            },
            segments: body
                .segments
                .into_iter()
                .map(|s| SegmentProof {
                    proof: Proof { bytes: s.proof },
                    end_pc: s.end_pc,
                    halted: s.halted,
                    exit_code: s.exit_code,
                    output: s.output,
                    final_state: s.final_state,
                })
                .collect(),
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

    fn sample() -> ProofFile {
        ProofFile {
            claim: Claim {
                exit_code: 0,
                output: vec![1, 2, 3],
            },
            segments: vec![SegmentProof {
                proof: Proof { bytes: vec![9; 10] },
                end_pc: 0,
                halted: true,
                exit_code: 0,
                output: vec![1, 2, 3],
                final_state: vec![],
            }],
        }
    }

    #[test]
    fn round_trip() {
        let f = sample();
        assert_eq!(ProofFile::decode(&f.encode()).unwrap(), f);
    }

    #[test]
    fn framing_errors() {
        let bytes = sample().encode();
        for bad in [
            &b"FERRUMZX"[..],
            &bytes[..10],
            &[&bytes[..8], &2u32.to_le_bytes()[..], &bytes[12..]].concat(),
            &[&bytes[..], &[0u8][..]].concat(),
            &bytes[..bytes.len() - 1],
        ] {
            assert!(matches!(
                ProofFile::decode(bad),
                Err(VerifyError::Malformed(_))
            ));
        }
    }
}
