//! A batch's pubdata: what L1 (or the validium's DA layer) receives.

use alloc::vec::Vec;
use ferrum_primitives::L2ToL1Log;
use ferrum_stf::StateWrites;

/// `u32 BE log count ‖ logs (88 bytes each) ‖ StateWrites::encode()` of the batch's net state diff.
pub fn pubdata(logs: &[L2ToL1Log], writes: &StateWrites) -> Vec<u8> {
    let diff = writes.encode();
    let mut out = Vec::with_capacity(4 + logs.len() * 88 + diff.len());
    // A batch holds at most 2^14 logs (the logs tree's leaves; the sequencer seals before), far below 2^32.
    out.extend_from_slice(&u32::try_from(logs.len()).unwrap_or(u32::MAX).to_be_bytes());
    for l in logs {
        out.extend_from_slice(&l.encode());
    }
    out.extend_from_slice(&diff);
    out
}
