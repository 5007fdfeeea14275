//! revm's ECRECOVER precompile in a guest, on the secp256k1 chips (`guest/ecrecover`): Ethereum's
//! published vector, random signatures against k256, invalid signatures (v, r and s out of range,
//! x not on the curve), high s, and a proof.

use alloy_primitives::{Address, hex, keccak256};
use ferrum_zkvm::{ExecConfig, FAST_TEST, Program, execute, prove, verify};
use k256::ecdsa::SigningKey;

fn program() -> Program {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ecrecover.elf");
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

/// The guest's input: the count, then each 128-byte precompile input as `read_bytes` reads it.
fn input(cases: &[Vec<u8>]) -> Vec<u32> {
    let mut v = vec![cases.len() as u32];
    for c in cases {
        v.push(c.len() as u32);
        v.extend(c.chunks(4).map(|ch| {
            let mut w = [0u8; 4];
            w[..ch.len()].copy_from_slice(ch);
            u32::from_le_bytes(w)
        }));
    }
    v
}

/// The guest's output, per case: the precompile's output bytes.
fn outputs(words: &[u32], n: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    for _ in 0..n {
        let len = words[i] as usize;
        i += 1;
        let bytes: Vec<u8> = words[i..i + len.div_ceil(4)]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .take(len)
            .collect();
        i += len.div_ceil(4);
        out.push(bytes);
    }
    out
}

fn case(hash: [u8; 32], v: u8, r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut c = hash.to_vec();
    c.extend([0u8; 31]);
    c.push(v);
    c.extend(r);
    c.extend(s);
    c
}

fn padded(a: Address) -> Vec<u8> {
    let mut v = vec![0u8; 12];
    v.extend(a.as_slice());
    v
}

/// secp256k1's group order n, big-endian.
const N: [u8; 32] = hex!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

#[test]
fn ecrecover_matches_ethereum_vectors_and_k256() {
    let mut cases = Vec::new();
    let mut expect = Vec::new();
    // go-ethereum's ecRecover precompile vector.
    cases.push(hex!("18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000000000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549").to_vec());
    expect.push(hex!("000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b").to_vec());
    // Random keys and messages, each also with high s (s' = n - s, v flipped: the same key).
    let mut seed = 7u64;
    let mut rand32 = || -> [u8; 32] {
        core::array::from_fn(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
    };
    for _ in 0..40 {
        let key = SigningKey::from_slice(&rand32()).unwrap();
        let addr = Address::from_slice(
            &keccak256(&key.verifying_key().to_encoded_point(false).as_bytes()[1..])[12..],
        );
        let hash = rand32();
        let (sig, recid) = key.sign_prehash_recoverable(&hash).unwrap();
        let (r, s) = (sig.r().to_bytes(), sig.s().to_bytes());
        cases.push(case(hash, 27 + recid.to_byte(), &r, &s));
        expect.push(padded(addr));
        let high_s = (-*sig.s()).to_bytes();
        cases.push(case(hash, 27 + (recid.to_byte() ^ 1), &r, &high_s));
        expect.push(padded(addr));
        // The wrong v recovers another key (R's twin with the other y): marked by a non-address.
        cases.push(case(hash, 27 + (recid.to_byte() ^ 1), &r, &s));
        expect.push(b"another key".to_vec());
    }
    // Invalid: v not 27/28 (or not a 32-byte 27/28), r or s zero or >= n, x not on the curve.
    let hash = rand32();
    let one = {
        let mut b = [0u8; 32];
        b[31] = 1;
        b
    };
    let base = case(hash, 27, &one, &one);
    for bad in [
        case(hash, 29, &one, &one),
        case(hash, 0, &one, &one),
        {
            let mut c = base.clone();
            c[32] = 1; // v = 2^248 + 27
            c
        },
        case(hash, 27, &[0; 32], &one),
        case(hash, 27, &one, &[0; 32]),
        case(hash, 28, &N, &one),
        case(hash, 28, &one, &N),
        case(hash, 27, &[0xff; 32], &one),
        // x = 5: 5^3 + 7 = 132 is not a square mod p.
        case(
            hash,
            27,
            &{
                let mut b = [0u8; 32];
                b[31] = 5;
                b
            },
            &one,
        ),
    ] {
        cases.push(bad);
        expect.push(Vec::new());
    }
    // A short input is right-padded with zeros: v = 0, so no address.
    cases.push(hash.to_vec());
    expect.push(Vec::new());

    let p = program();
    let run = execute(&p, &input(&cases), &ExecConfig::default()).unwrap();
    assert_eq!(run.exit_code, 0);
    let got = outputs(&run.output, cases.len());
    for (i, (g, e)) in got.iter().zip(&expect).enumerate() {
        if e == b"another key" {
            assert!(g.len() == 32 && g != &expect[i - 2], "case {i}");
        } else {
            assert_eq!(hex::encode(g), hex::encode(e), "case {i}");
        }
    }
    eprintln!("{} ecrecover cases in {} cycles", cases.len(), run.cycles);
}

#[test]
fn an_ecrecover_run_proves() {
    let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
    let hash = [9u8; 32];
    let (sig, recid) = key.sign_prehash_recoverable(&hash).unwrap();
    let c = case(
        hash,
        27 + recid.to_byte(),
        &sig.r().to_bytes(),
        &sig.s().to_bytes(),
    );
    let p = program();
    let one = execute(&p, &input(std::slice::from_ref(&c)), &ExecConfig::default()).unwrap();
    let none = execute(&p, &input(&[]), &ExecConfig::default()).unwrap();
    eprintln!("one ecrecover: {} cycles", one.cycles - none.cycles);
    let (claim, proof, stats) = prove(&p, &input(&[c]), &FAST_TEST).unwrap();
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
    for t in &stats.tables {
        eprintln!(
            "{:>18} rows {:>8} main {:>5} aux {:>5}",
            t.name, t.rows, t.main_width, t.aux_width
        );
    }
    let addr = Address::from_slice(
        &keccak256(&key.verifying_key().to_encoded_point(false).as_bytes()[1..])[12..],
    );
    assert_eq!(outputs(&claim.output, 1)[0], padded(addr));
}
