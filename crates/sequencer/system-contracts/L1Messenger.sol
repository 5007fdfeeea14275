// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title L1Messenger (genesis code at 0x…8008, ZKsync's address)
/// @notice Sends arbitrary messages to L1. The STF turns every `L1MessageSent` event of this contract into the
/// L2→L1 log `{shard 0, isService true, txNumberInBatch, sender 0x…8008, key = pad32(_sender), value = _hash}`;
/// once the batch is executed on L1 the message is provable with `proveL2MessageInclusion`.
contract L1Messenger {
    /// @dev ZKsync's event: the SDK reads `_message` from the L2 receipt to finalize withdrawals.
    event L1MessageSent(address indexed _sender, bytes32 indexed _hash, bytes _message);

    function sendToL1(bytes calldata _message) external returns (bytes32 hash) {
        hash = keccak256(_message);
        emit L1MessageSent(msg.sender, hash, _message);
    }
}
