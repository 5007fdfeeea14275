//! secp256k1 on the zkVM's curve chips: ECDSA public-key recovery (Ethereum's `ecrecover` and a
//! transaction's signer), and the hooks that make revm and alloy use it.
//!
//! The scalar `u1 G + u2 R` is computed with the add and double chips (Shamir's trick: one pass
//! over the 256 bits of both scalars, a table of `G`, `R`, `G + R`); the field inverse of `r` mod
//! n and the square root that decompresses `R` are host hints, each checked with one
//! multiplication (k256's `Scalar` and `FieldElement` arithmetic, in plain RV32IM). A wrong hint
//! is a host bug or an attack: the guest panics, and a panicking run has no proof.

use k256::elliptic_curve::PrimeField;
use k256::elliptic_curve::bigint::U256;
use k256::elliptic_curve::ops::Reduce;
use k256::{FieldBytes, FieldElement, Scalar};

use crate::{hint, syscall};
use core::arch::asm;

/// A point as the chips read it: `x` then `y`, each 8 little-endian words.
pub type Point = [u32; 16];

/// `block[..16] ← block[..16] + block[16..]` with the addition chip (one cycle). The points must
/// have different `x` (the zkVM stops the run otherwise).
pub fn add_assign(block: &mut [u32; 32]) {
    // SAFETY: the chip reads the block's 128 bytes and writes its first 64; `a0` is kept.
    unsafe { asm!("ecall", inlateout("a0") block.as_mut_ptr() => _, in("a7") syscall::SECP256K1_ADD) };
}

/// `p ← 2p` with the doubling chip (one cycle); `y` must not be 0.
pub fn double_assign(p: &mut [u32]) {
    assert!(p.len() >= 16);
    // SAFETY: the chip reads and writes the first 64 bytes of `p`, checked above; `a0` is kept.
    unsafe { asm!("ecall", inlateout("a0") p.as_mut_ptr() => _, in("a7") syscall::SECP256K1_DOUBLE) };
}

/// Little-endian words of a big-endian 32-byte integer.
fn words(be: &[u8]) -> [u32; 8] {
    core::array::from_fn(|i| {
        let o = 32 - 4 * (i + 1);
        u32::from_be_bytes([be[o], be[o + 1], be[o + 2], be[o + 3]])
    })
}

/// Big-endian bytes of 8 little-endian words.
fn be_bytes(w: &[u32]) -> FieldBytes {
    let mut out = FieldBytes::default();
    for (i, word) in w.iter().take(8).enumerate() {
        out[32 - 4 * (i + 1)..32 - 4 * i].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The group order n, as words.
const N: [u32; 8] = [
    0xD036_4141,
    0xBFD2_5E8C,
    0xAF48_A03B,
    0xBAAE_DCE6,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
];

/// The generator G.
const G: Point = [
    0x16F8_1798,
    0x59F2_815B,
    0x2DCE_28D9,
    0x029B_FCDB,
    0xCE87_0B07,
    0x55A0_6295,
    0xF9DC_BBAC,
    0x79BE_667E,
    0xFB10_D4B8,
    0x9C47_D08F,
    0xA685_5419,
    0xFD17_B448,
    0x0E11_08A8,
    0x5DA4_FBFC,
    0x26A3_C465,
    0x483A_DA77,
];

/// The accumulator of a scalar multiplication: the current point in the addition block's first
/// half (the second half takes the addend), or the point at infinity.
struct Acc {
    block: [u32; 32],
    infinity: bool,
}

impl Acc {
    fn double(&mut self) {
        // On the curve (prime order) no point has y = 0.
        if !self.infinity {
            double_assign(&mut self.block);
        }
    }

    fn add(&mut self, q: &Point) {
        if self.infinity {
            self.block[..16].copy_from_slice(q);
            self.infinity = false;
        } else if self.block[..8] == q[..8] {
            // Canonical coordinates: equal x means P = Q or P = -Q.
            if self.block[8..16] == q[8..] {
                self.double();
            } else {
                self.infinity = true;
            }
        } else {
            self.block[16..].copy_from_slice(q);
            add_assign(&mut self.block);
        }
    }

    fn point(&self) -> Option<Point> {
        (!self.infinity).then(|| core::array::from_fn(|i| self.block[i]))
    }
}

/// `u1 G + u2 R` (scalars as big-endian bytes), or `None` for the point at infinity.
fn lin_comb(u1: &FieldBytes, u2: &FieldBytes, r: &Point) -> Option<Point> {
    let mut gr = Acc {
        block: [0; 32],
        infinity: true,
    };
    gr.add(&G);
    gr.add(r);
    let gr = gr.point();
    let mut acc = Acc {
        block: [0; 32],
        infinity: true,
    };
    for i in 0..256 {
        acc.double();
        let (b1, b2) = ((u1[i / 8] >> (7 - i % 8)) & 1, (u2[i / 8] >> (7 - i % 8)) & 1);
        match (b1, b2, &gr) {
            (1, 0, _) => acc.add(&G),
            (0, 1, _) => acc.add(r),
            (1, 1, Some(gr)) => acc.add(gr),
            // G + R is infinity: adding it changes nothing.
            _ => {}
        }
    }
    acc.point()
}

/// The uncompressed public key (`x ‖ y`, big-endian) that signed the 32-byte `prehash` with
/// `sig` (`r ‖ s`, big-endian) and recovery id `recid` (bit 0: `R.y` is odd; bit 1: `R.x = r + n`),
/// or `None` when no key did: `r` or `s` zero or `≥ n`, `recid > 3`, `R.x` not on the curve, or the
/// result at infinity. High `s` is accepted (as Ethereum's `ecrecover` does).
pub fn recover(sig: &[u8; 64], recid: u8, prehash: &[u8; 32]) -> Option<[u8; 64]> {
    if recid > 3 {
        return None;
    }
    let r_bytes = FieldBytes::clone_from_slice(&sig[..32]);
    let r = Option::<Scalar>::from(Scalar::from_repr(r_bytes))?;
    let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::clone_from_slice(&sig[32..])))?;
    if bool::from(r.is_zero()) || bool::from(s.is_zero()) {
        return None;
    }
    // R.x = r, or r + n (when that is below p).
    let x_bytes = if recid & 2 == 0 {
        r_bytes
    } else {
        let (a, mut sum, mut carry) = (words(&r_bytes), [0u32; 8], 0u64);
        for i in 0..8 {
            let t = u64::from(a[i]) + u64::from(N[i]) + carry;
            sum[i] = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            return None;
        }
        be_bytes(&sum)
    };
    let x = Option::<FieldElement>::from(FieldElement::from_bytes(&x_bytes))?;
    let alpha = (x.square() * x + FieldElement::from(7u64)).normalize();
    let (is_square, root) = hint::secp256k1_sqrt(&words(&alpha.to_bytes()));
    let root = Option::<FieldElement>::from(FieldElement::from_bytes(&be_bytes(&root)))
        .expect("sqrt hint: not a field element");
    let root_sq = root.square().normalize();
    if !is_square {
        assert!(
            bool::from((root_sq + alpha).normalizes_to_zero()),
            "sqrt hint: neither a root of x^3 + 7 nor of its negation"
        );
        return None;
    }
    assert!(root_sq == alpha, "sqrt hint: not a root of x^3 + 7");
    let y = if bool::from(root.is_odd()) == (recid & 1 == 1) {
        root
    } else {
        root.negate(1).normalize()
    };
    let mut point: Point = [0; 16];
    point[..8].copy_from_slice(&words(&x_bytes));
    point[8..].copy_from_slice(&words(&y.to_bytes()));
    // u1 = -z / r, u2 = s / r (mod n); 1 / r is a hint checked by one multiplication.
    let r_inv = hint::modinv(&N, &words(&r_bytes));
    let r_inv = Option::<Scalar>::from(Scalar::from_repr(be_bytes(&r_inv)))
        .expect("modinv hint: not a scalar");
    assert!(r * r_inv == Scalar::ONE, "modinv hint: not the inverse of r");
    let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::clone_from_slice(prehash));
    let u1 = -(z * r_inv);
    let u2 = s * r_inv;
    let q = lin_comb(&u1.to_bytes(), &u2.to_bytes(), &point)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&be_bytes(&q[..8]));
    out[32..].copy_from_slice(&be_bytes(&q[8..]));
    Some(out)
}

/// The Ethereum address of the key [`recover`] finds: the last 20 bytes of its Keccak-256.
pub fn recover_address(sig: &[u8; 64], recid: u8, prehash: &[u8; 32]) -> Option<[u8; 20]> {
    let key = recover(sig, recid, prehash)?;
    let h = crate::keccak256(&key);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    Some(a)
}

/// The crypto provider that revm's precompiles and alloy's signature recovery call once
/// [`install`] has run: ECDSA recovery on the curve chips.
#[derive(Debug, Clone, Copy)]
pub struct ChipCrypto;

#[cfg(feature = "revm")]
impl revm_precompile::Crypto for ChipCrypto {
    fn secp256k1_ecrecover(
        &self,
        sig: &[u8; 64],
        recid: u8,
        msg: &[u8; 32],
    ) -> Result<[u8; 32], revm_precompile::PrecompileHalt> {
        let a = recover_address(sig, recid, msg)
            .ok_or(revm_precompile::PrecompileHalt::Secp256k1RecoverFailed)?;
        let mut out = [0u8; 32];
        out[12..].copy_from_slice(&a);
        Ok(out)
    }
}

#[cfg(feature = "alloy")]
impl alloy_consensus::crypto::backend::CryptoProvider for ChipCrypto {
    fn recover_signer_unchecked(
        &self,
        sig: &[u8; 65],
        msg: &[u8; 32],
    ) -> Result<alloy_primitives::Address, alloy_consensus::crypto::RecoveryError> {
        let mut rs = [0u8; 64];
        rs.copy_from_slice(&sig[..64]);
        recover_address(&rs, sig[64], msg)
            .map(alloy_primitives::Address::from)
            .ok_or_else(alloy_consensus::crypto::RecoveryError::new)
    }

    fn verify_and_compute_signer_unchecked(
        &self,
        pubkey: &[u8; 65],
        sig: &[u8; 64],
        msg: &[u8; 32],
    ) -> Result<alloy_primitives::Address, alloy_consensus::crypto::RecoveryError> {
        // The signature verifies under `pubkey` exactly when one recovery id recovers it (ids 2
        // and 3: R.x = r + n, as k256's verification accepts). Only uncompressed SEC1 keys.
        if pubkey[0] != 0x04 {
            return Err(alloy_consensus::crypto::RecoveryError::new());
        }
        for recid in 0..4 {
            if recover(sig, recid, msg).is_some_and(|k| k[..] == pubkey[1..]) {
                let h = crate::keccak256(&pubkey[1..]);
                return Ok(alloy_primitives::Address::from_slice(&h[12..]));
            }
        }
        Err(alloy_consensus::crypto::RecoveryError::new())
    }
}

/// Installs [`ChipCrypto`] as revm's precompile crypto provider and alloy's signature-recovery
/// backend (with the `revm` / `alloy` features). Returns false when one was already installed.
pub fn install() -> bool {
    #[allow(unused_mut)]
    let mut ok = true;
    #[cfg(feature = "revm")]
    {
        ok &= revm_precompile::install_crypto(ChipCrypto);
    }
    #[cfg(feature = "alloy")]
    {
        ok &= alloy_consensus::crypto::backend::install_default_provider(alloc::sync::Arc::new(
            ChipCrypto,
        ))
        .is_ok();
    }
    ok
}
