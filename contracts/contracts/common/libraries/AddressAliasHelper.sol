// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice L1 contract callers appear on L2 as `address + 0x1111000000000000000000000000000000001111` (mod 2^160),
/// as on Arbitrum and ZKsync, so an L1 contract cannot impersonate an L2 account with the same address.
library AddressAliasHelper {
    uint160 internal constant OFFSET = uint160(0x1111000000000000000000000000000000001111);

    function applyL1ToL2Alias(address l1Address) internal pure returns (address l2Address) {
        unchecked {
            l2Address = address(uint160(l1Address) + OFFSET);
        }
    }

    function undoL1ToL2Alias(address l2Address) internal pure returns (address l1Address) {
        unchecked {
            l1Address = address(uint160(l2Address) - OFFSET);
        }
    }

    /// @dev The refund recipient on L2: the given one, or the (aliased if a contract) sender.
    function actualRefundRecipient(address _refundRecipient, address _originalCaller) internal view returns (address) {
        if (_refundRecipient == address(0)) {
            // solhint-disable-next-line avoid-tx-origin
            return _originalCaller == tx.origin ? _originalCaller : applyL1ToL2Alias(_originalCaller);
        }
        if (_refundRecipient.code.length > 0) return applyL1ToL2Alias(_refundRecipient);
        return _refundRecipient;
    }
}
