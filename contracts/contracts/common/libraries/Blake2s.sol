// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice BLAKE2s-256 (RFC 7693; unkeyed, 32-byte digest), the hash of Ferrum's state tree.
/// @dev Straightforward and not gas-optimised (~25k gas per 64-byte block): used only by exodus claims.
library Blake2s {
    // Message word schedule, 10 rounds x 16 indices, one byte each.
    bytes internal constant SIGMA =
        hex"000102030405060708090a0b0c0d0e0f"
        hex"0e0a0408090f0d06010c00020b070503"
        hex"0b080c0005020f0d0a0e030607010904"
        hex"070903010d0c0b0e0206050a04000f08"
        hex"0900050702040a0f0e010b0c0608030d"
        hex"020c060a000b0803040d07050f0e0109"
        hex"0c05010f0e0d040a000706030902080b"
        hex"0d0b070e0c01030905000f040806020a"
        hex"060f0e090b0300080c020d0701040a05"
        hex"0a020804070601050f0b090e030c0d00";

    uint32 internal constant IV0 = 0x6A09E667;
    uint32 internal constant IV1 = 0xBB67AE85;
    uint32 internal constant IV2 = 0x3C6EF372;
    uint32 internal constant IV3 = 0xA54FF53A;
    uint32 internal constant IV4 = 0x510E527F;
    uint32 internal constant IV5 = 0x9B05688C;
    uint32 internal constant IV6 = 0x1F83D9AB;
    uint32 internal constant IV7 = 0x5BE0CD19;

    function hash(bytes memory _data) internal pure returns (bytes32 digest) {
        uint32[8] memory h = [IV0 ^ 0x01010020, IV1, IV2, IV3, IV4, IV5, IV6, IV7];
        uint256 len = _data.length;
        uint256 offset;
        // all blocks but the last
        while (len - offset > 64) {
            _compress(h, _block(_data, offset), offset + 64, false);
            offset += 64;
        }
        _compress(h, _block(_data, offset), len, true);
        for (uint256 i; i < 8; ++i) {
            // little-endian words
            uint32 w = h[i];
            uint256 le = (uint256(w & 0xff) << 24) | (uint256((w >> 8) & 0xff) << 16) | (uint256((w >> 16) & 0xff) << 8) |
                uint256(w >> 24);
            digest |= bytes32(le << (224 - 32 * i));
        }
    }

    /// @dev The 16 little-endian words of the 64-byte block at `_offset` (zero-padded past the end).
    function _block(bytes memory _data, uint256 _offset) private pure returns (uint32[16] memory m) {
        uint256 len = _data.length;
        for (uint256 i; i < 16; ++i) {
            uint32 w;
            for (uint256 j; j < 4; ++j) {
                uint256 p = _offset + 4 * i + j;
                if (p < len) w |= uint32(uint8(_data[p])) << uint32(8 * j);
            }
            m[i] = w;
        }
    }

    function _compress(uint32[8] memory _h, uint32[16] memory _m, uint256 _t, bool _last) private pure {
        uint32[16] memory v;
        for (uint256 i; i < 8; ++i) v[i] = _h[i];
        v[8] = IV0;
        v[9] = IV1;
        v[10] = IV2;
        v[11] = IV3;
        v[12] = IV4 ^ uint32(_t);
        v[13] = IV5 ^ uint32(_t >> 32);
        v[14] = _last ? ~IV6 : IV6;
        v[15] = IV7;
        bytes memory sigma = SIGMA;
        for (uint256 r; r < 10; ++r) {
            uint256 b = r * 16;
            _g(v, 0, 4, 8, 12, _m[uint8(sigma[b])], _m[uint8(sigma[b + 1])]);
            _g(v, 1, 5, 9, 13, _m[uint8(sigma[b + 2])], _m[uint8(sigma[b + 3])]);
            _g(v, 2, 6, 10, 14, _m[uint8(sigma[b + 4])], _m[uint8(sigma[b + 5])]);
            _g(v, 3, 7, 11, 15, _m[uint8(sigma[b + 6])], _m[uint8(sigma[b + 7])]);
            _g(v, 0, 5, 10, 15, _m[uint8(sigma[b + 8])], _m[uint8(sigma[b + 9])]);
            _g(v, 1, 6, 11, 12, _m[uint8(sigma[b + 10])], _m[uint8(sigma[b + 11])]);
            _g(v, 2, 7, 8, 13, _m[uint8(sigma[b + 12])], _m[uint8(sigma[b + 13])]);
            _g(v, 3, 4, 9, 14, _m[uint8(sigma[b + 14])], _m[uint8(sigma[b + 15])]);
        }
        for (uint256 i; i < 8; ++i) _h[i] ^= v[i] ^ v[i + 8];
    }

    function _g(uint32[16] memory v, uint256 a, uint256 b, uint256 c, uint256 d, uint32 x, uint32 y) private pure {
        unchecked {
            uint32 va = v[a] + v[b] + x;
            uint32 vd = _rotr(v[d] ^ va, 16);
            uint32 vc = v[c] + vd;
            uint32 vb = _rotr(v[b] ^ vc, 12);
            va = va + vb + y;
            vd = _rotr(vd ^ va, 8);
            vc = vc + vd;
            vb = _rotr(vb ^ vc, 7);
            v[a] = va;
            v[b] = vb;
            v[c] = vc;
            v[d] = vd;
        }
    }

    function _rotr(uint32 x, uint32 n) private pure returns (uint32) {
        unchecked {
            return (x >> n) | (x << (32 - n));
        }
    }
}
