// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IL1Messenger {
    function sendToL1(bytes calldata _message) external returns (bytes32);
}

/// @title L2BaseToken (genesis code at 0x…800a, ZKsync's address)
/// @notice Withdraws the base token to L1: the value sent is burned (locked here forever: this contract has no
/// way to send it out) and a message `finalizeEthWithdrawal selector ‖ l1Receiver ‖ amount` goes to L1, where
/// the shared bridge pays it out of this chain's balance once the batch is executed.
contract L2BaseToken {
    address internal constant L1_MESSENGER = address(0x8008);

    /// @dev ZKsync's event.
    event Withdrawal(address indexed _l2Sender, address indexed _l1Receiver, uint256 _amount);

    function withdraw(address _l1Receiver) external payable {
        // 0x6c0960f9 = IMailbox.finalizeEthWithdrawal.selector, as era's L2BaseToken.
        IL1Messenger(L1_MESSENGER).sendToL1(abi.encodePacked(bytes4(0x6c0960f9), _l1Receiver, msg.value));
        emit Withdrawal(msg.sender, _l1Receiver, msg.value);
    }
}
