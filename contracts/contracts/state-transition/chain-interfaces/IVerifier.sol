// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Verifier of Ferrum batch proofs. The real verifier of the zkVM's proofs comes with the prover;
/// until then the only other implementation is `InsecureNoProofVerifier`, which must be asked for explicitly.
interface IVerifier {
    /// @param _publicInputs one public input per proven batch, in batch order:
    ///        uint256(keccak256(prevStateCommitment ‖ newStateCommitment ‖ batchOutputHash)).
    /// @param _proof the proof, in the verifier's own encoding.
    /// @return true iff the proof is valid for these public inputs.
    function verify(uint256[] calldata _publicInputs, bytes calldata _proof) external view returns (bool);

    /// @notice Hash of the verification key (identifies the circuit/program being verified).
    function verificationKeyHash() external view returns (bytes32);

    /// @notice True for verifiers that do NOT check proofs. Chains report it via `isProofVerificationInsecure()`.
    function isInsecure() external view returns (bool);
}
