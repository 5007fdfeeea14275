//! A real batch proven with the embedded batch guest and verified; tampered proofs, a proof checked against
//! another batch's public input and a proof checked against another guest are refused.

use std::time::Instant;

use alloy_primitives::B256;
use ferrum_prover::{BatchGuest, ProveOptions, ProverError, prove_batch, verify_batch};
use ferrum_sequencer::testing::mixed_batch;
use ferrum_zkvm::ProofFile;

#[test]
fn a_mixed_batch_is_proven_and_its_proof_verifies_only_for_its_public_input_and_guest() {
    // Deposit, deployment, ERC-20 mint and transfer, ETH transfers, a revert and an L2→L1 message in two blocks.
    let (_chain, record, witness) = mixed_batch();
    let guest = BatchGuest::embedded().unwrap();
    let start = Instant::now();
    let mut seen = Vec::new();
    let proof = prove_batch(
        &guest,
        &witness.encode(),
        &ProveOptions::default(),
        &mut |total, p| {
            seen.push((p.index, p.cycles_done, total));
            true
        },
    )
    .unwrap();
    eprintln!(
        "proved {} cycles in {} segments, {} bytes, {:.1} s",
        proof.cycles,
        proof.segments,
        proof.bytes.len(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(proof.public_input, record.public_input);
    assert_eq!(seen.len(), proof.segments);
    assert_eq!(seen.last().map(|s| s.1), Some(proof.cycles));
    verify_batch(&guest, &proof.bytes, &record.public_input).unwrap();

    // Another batch's public input: refused from the claim.
    let other = B256::repeat_byte(1);
    assert!(matches!(
        verify_batch(&guest, &proof.bytes, &other),
        Err(ProverError::WrongClaim { .. })
    ));

    // A claim rewritten to another public input: the segments prove the real one.
    let mut file = ProofFile::decode(&proof.bytes, guest.program()).unwrap();
    let words = ferrum_prover::public_input_words(&other);
    file.claim.output = words.clone();
    let last = file.segments.len() - 1;
    file.segments[last].output = words;
    assert!(matches!(
        verify_batch(&guest, &file.encode(guest.program()), &other),
        Err(ProverError::Verify(_))
    ));

    // A flipped byte inside a segment's STARK proof.
    let mut file = ProofFile::decode(&proof.bytes, guest.program()).unwrap();
    let bytes = &mut file.segments[0].proof.bytes;
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    assert!(verify_batch(&guest, &file.encode(guest.program()), &record.public_input).is_err());

    // A dropped segment.
    if proof.segments > 1 {
        let mut file = ProofFile::decode(&proof.bytes, guest.program()).unwrap();
        file.segments.remove(0);
        assert!(verify_batch(&guest, &file.encode(guest.program()), &record.public_input).is_err());
    }

    // A truncated file.
    assert!(matches!(
        verify_batch(
            &guest,
            &proof.bytes[..proof.bytes.len() - 1],
            &record.public_input
        ),
        Err(ProverError::Verify(_))
    ));

    // Another guest (another program): its ROM and image differ, the segments do not verify.
    let other_guest =
        BatchGuest::from_elf(include_bytes!("../../../zkvm/tests/fixtures/transfers.elf")).unwrap();
    assert_ne!(other_guest.id(), guest.id());
    assert!(matches!(
        verify_batch(&other_guest, &proof.bytes, &record.public_input),
        Err(ProverError::Verify(_))
    ));
}

#[test]
fn a_false_witness_is_refused_before_proving() {
    let (_chain, _record, mut witness) = mixed_batch();
    witness.blocks[0].timestamp += 1;
    let guest = BatchGuest::embedded().unwrap();
    let err = prove_batch(
        &guest,
        &witness.encode(),
        &ProveOptions::default(),
        &mut |_, _| true,
    )
    .unwrap_err();
    // The guest's checks fail and it traps (its panic handler): the run does not halt, nothing can be proven.
    assert!(
        matches!(err, ProverError::Prove(ferrum_zkvm::ProveError::Exec(_))),
        "{err}"
    );
}
