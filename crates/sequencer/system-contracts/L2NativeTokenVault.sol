// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IL2AssetRouter {
    function L1_CHAIN_ID() external view returns (uint256);
    function l1TokenAddress(address l2Token) external view returns (address);
    function tokenAddress(bytes32 assetId) external view returns (address);
}

/// @title L2NativeTokenVault (genesis code at 0x…10004, ZKsync's address)
/// @notice The asset-id views the SDK reads. Bridged tokens live in the asset router (0x…10003), which this contract
/// asks; the chain's base token is ETH.
contract L2NativeTokenVault {
    IL2AssetRouter internal constant ASSET_ROUTER = IL2AssetRouter(address(0x10003));
    /// @dev The L1 address that stands for ETH.
    address internal constant ETH_TOKEN_ADDRESS = address(1);

    function L1_CHAIN_ID() public view returns (uint256) {
        return ASSET_ROUTER.L1_CHAIN_ID();
    }

    /// @notice Asset id of the base token (ETH).
    function BASE_TOKEN_ASSET_ID() public view returns (bytes32) {
        return _assetId(ETH_TOKEN_ADDRESS);
    }

    /// @notice Asset id of a bridged token (zero for a token the router did not deploy).
    function assetId(address _l2Token) external view returns (bytes32) {
        address l1Token = ASSET_ROUTER.l1TokenAddress(_l2Token);
        return l1Token == address(0) ? bytes32(0) : _assetId(l1Token);
    }

    /// @notice The chain a known asset comes from (the L1 for every asset here), zero for an unknown one.
    function originChainId(bytes32 _assetId) external view returns (uint256) {
        if (_assetId == BASE_TOKEN_ASSET_ID() || ASSET_ROUTER.tokenAddress(_assetId) != address(0)) {
            return L1_CHAIN_ID();
        }
        return 0;
    }

    /// @notice The bridged token of an asset id (zero when none).
    function tokenAddress(bytes32 _assetId) external view returns (address) {
        return ASSET_ROUTER.tokenAddress(_assetId);
    }

    function _assetId(address _l1Token) internal view returns (bytes32) {
        return keccak256(abi.encode(L1_CHAIN_ID(), address(this), _l1Token));
    }
}
