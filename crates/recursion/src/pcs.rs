//! The opening argument in the circuit: Plonky3's `TwoAdicFriPcs` verification (FRI folding by 2 per round).
//!
//! The claimed openings are absorbed, the batching challenge drawn, every input commitment's Merkle opening at
//! each query checked, the openings reduced to one value per height (`Σ α^k (p_k(z) − p_k(x)) / (z − x)`),
//! folded through every FRI layer (each layer's Merkle opening checked) and compared with the final polynomial.
//! Plonky3 sends each batch's openings as one pruned multi-path; the circuit takes every query's full path
//! (restored natively, then checked here against the commitment), which needs no trust in the restoration.

use std::collections::BTreeMap;

use ferrum_zkvm::SecurityParams;
use p3_challenger::CanObserve;
use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_fri::{FriParameters, FriShape, PcsShape, fold_schedule};

use crate::builder::{Builder, Ext, Felt};
use crate::challenger::CircuitChallenger;
use crate::program::{Challenge, Val};

/// One opened matrix: its trace-domain size and the points with their claimed values.
#[derive(Clone, Debug)]
pub(crate) struct MatrixClaim {
    /// log2 of the matrix's domain (before the FRI blowup).
    pub(crate) log_height: usize,
    /// `(point, values)` per opening point.
    pub(crate) points: Vec<(Ext, Vec<Ext>)>,
}

/// One commitment and its opened matrices, in commit order.
#[derive(Clone, Debug)]
pub(crate) struct RoundClaim {
    pub(crate) commitment: [Felt; 8],
    pub(crate) matrices: Vec<MatrixClaim>,
}

/// A Merkle path: one sibling digest per level, leaf level first.
pub(crate) type Path = Vec<[Felt; 8]>;

/// One query's openings: per input commitment the opened rows (per matrix) and the Merkle path; per FRI layer
/// the sibling value and the Merkle path.
#[derive(Clone, Debug)]
pub(crate) struct QueryVars {
    pub(crate) inputs: Vec<(Vec<Vec<Felt>>, Path)>,
    pub(crate) layers: Vec<(Ext, Path)>,
}

/// The FRI proof as circuit variables.
#[derive(Clone, Debug)]
pub(crate) struct FriVars {
    pub(crate) batch_pow_witness: Felt,
    pub(crate) commits: Vec<[Felt; 8]>,
    pub(crate) commit_pow_witnesses: Vec<Felt>,
    pub(crate) final_poly: Vec<Ext>,
    pub(crate) query_pow_witness: Felt,
    pub(crate) queries: Vec<QueryVars>,
}

/// Everything about the opening argument the shape fixes.
#[derive(Clone, Debug)]
pub(crate) struct PcsPlan {
    /// What Plonky3's PCS and FRI transcripts absorb first (their domain separators).
    pub(crate) pcs_seed: Vec<Val>,
    pub(crate) fri_seed: Vec<Val>,
    pub(crate) pcs_shape: PcsShape,
    pub(crate) fri_shape: FriShape,
    /// `(log height, width)` of every matrix, per commitment.
    pub(crate) rounds: Vec<Vec<(usize, usize)>>,
    /// Largest matrix height after the blowup (log2): the query index width.
    pub(crate) log_max_height: usize,
    pub(crate) log_blowup: usize,
    pub(crate) num_queries: usize,
    pub(crate) commit_pow_bits: usize,
    pub(crate) query_pow_bits: usize,
    pub(crate) final_poly_len: usize,
}

/// Records what a transcript absorbs.
struct Recorder(Vec<Val>);

impl CanObserve<Val> for Recorder {
    fn observe(&mut self, v: Val) {
        self.0.push(v);
    }
}

/// Why the opening argument of a shape cannot be put in the circuit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PcsPlanError {
    /// FRI folds by more than 2 in some round (only `max_log_arity = 1` is supported so far).
    #[error("FRI folding arity 2^{0} is not supported yet (use max_log_arity = 1)")]
    Arity(usize),
    /// A committed matrix (after the blowup) is shorter than FRI's final polynomial domain.
    #[error("a matrix of 2^{log_height} rows is below FRI's final height 2^{log_final}")]
    BelowFinalHeight {
        /// log2 of the matrix height after the blowup.
        log_height: usize,
        /// `log_blowup + log_final_poly_len`.
        log_final: usize,
    },
    /// Batch grinding is not used by Ferrum's configurations.
    #[error("batch proof-of-work is not supported")]
    BatchPow,
}

impl PcsPlan {
    /// The plan for commitments of matrices `rounds[c] = [(log domain size, width, points)]` under `params`.
    pub(crate) fn new(
        rounds: &[Vec<(usize, usize, usize)>],
        params: &SecurityParams,
    ) -> Result<Self, PcsPlanError> {
        let fri = FriParameters {
            log_blowup: params.log_blowup,
            log_final_poly_len: params.log_final_poly_len,
            max_log_arity: params.max_log_arity,
            num_queries: params.num_queries,
            batch_proof_of_work_bits: 0,
            commit_proof_of_work_bits: params.commit_pow_bits,
            query_proof_of_work_bits: params.query_pow_bits,
            mmcs: (),
        };
        let pcs_shape = PcsShape {
            claimed_evaluation_counts: rounds
                .iter()
                .map(|r| r.iter().map(|&(_, w, points)| vec![w; points]).collect())
                .collect(),
            batch_pow_bits: fri.batch_proof_of_work_bits,
        };
        if pcs_shape.batch_pow_bits != 0 {
            return Err(PcsPlanError::BatchPow);
        }
        let mut heights: Vec<usize> = rounds
            .iter()
            .flatten()
            .map(|&(h, _, _)| h + params.log_blowup)
            .collect();
        heights.sort_unstable_by(|a, b| b.cmp(a));
        heights.dedup();
        let log_max_height = heights.first().copied().unwrap_or(0);
        // Plonky3 refuses a matrix shorter than FRI's final height (its reduced opening would never be folded in):
        // so does the plan, before a circuit could silently drop it.
        let log_final = params.log_blowup + params.log_final_poly_len;
        if let Some(&h) = heights
            .iter()
            .find(|&&h| h < log_final)
            .or(heights.is_empty().then_some(&0))
        {
            return Err(PcsPlanError::BelowFinalHeight {
                log_height: h,
                log_final,
            });
        }
        let log_arities = fold_schedule(
            &heights,
            params.log_blowup + params.log_final_poly_len,
            params.max_log_arity,
        );
        if let Some(&a) = log_arities.iter().find(|&&a| a != 1) {
            return Err(PcsPlanError::Arity(a));
        }
        let fri_shape = FriShape::with_schedule(&fri, log_arities, log_max_height);
        let mut rec = Recorder(Vec::new());
        pcs_shape
            .domain_separator::<Val, Challenge>()
            .seed(&mut rec);
        let pcs_seed = std::mem::take(&mut rec.0);
        fri_shape
            .domain_separator::<Val, Challenge>()
            .seed(&mut rec);
        Ok(Self {
            pcs_seed,
            fri_seed: rec.0,
            pcs_shape,
            rounds: rounds
                .iter()
                .map(|r| r.iter().map(|&(h, w, _)| (h, w)).collect())
                .collect(),
            log_max_height,
            log_blowup: params.log_blowup,
            num_queries: params.num_queries,
            commit_pow_bits: params.commit_pow_bits,
            query_pow_bits: params.query_pow_bits,
            final_poly_len: fri.final_poly_len(),
            fri_shape,
        })
    }

    /// FRI's folding rounds.
    pub(crate) fn num_layers(&self) -> usize {
        self.fri_shape.log_arities.len()
    }

    /// Reads the FRI proof from the input stream (in `StarkShape::proof_inputs` order).
    pub(crate) fn read(&self, b: &mut Builder) -> FriVars {
        let digest = |b: &mut Builder| -> [Felt; 8] { std::array::from_fn(|_| b.input()) };
        let batch_pow_witness = b.input();
        let mut commits = Vec::with_capacity(self.num_layers());
        let mut commit_pow_witnesses = Vec::with_capacity(self.num_layers());
        for _ in 0..self.num_layers() {
            commits.push(digest(b));
            commit_pow_witnesses.push(b.input());
        }
        let final_poly = (0..self.final_poly_len).map(|_| b.input_ext()).collect();
        let query_pow_witness = b.input();
        let queries = (0..self.num_queries)
            .map(|_| QueryVars {
                inputs: self
                    .rounds
                    .iter()
                    .map(|mats| {
                        let rows = mats
                            .iter()
                            .map(|&(_, w)| (0..w).map(|_| b.input()).collect())
                            .collect();
                        let depth = self.round_log_height(mats);
                        (rows, (0..depth).map(|_| digest(b)).collect())
                    })
                    .collect(),
                layers: (0..self.num_layers())
                    .map(|r| {
                        let sibling = b.input_ext();
                        let depth = self.log_max_height - r - 1;
                        (sibling, (0..depth).map(|_| digest(b)).collect())
                    })
                    .collect(),
            })
            .collect();
        FriVars {
            batch_pow_witness,
            commits,
            commit_pow_witnesses,
            final_poly,
            query_pow_witness,
            queries,
        }
    }

    /// The tallest matrix of a commitment, after the blowup (log2).
    pub(crate) fn round_log_height(&self, mats: &[(usize, usize)]) -> usize {
        mats.iter().map(|&(h, _)| h).max().unwrap_or(0) + self.log_blowup
    }

    /// Checks the opening argument: continues `ch` (the STARK transcript after `zeta`).
    pub(crate) fn verify(
        &self,
        b: &mut Builder,
        ch: &mut CircuitChallenger,
        claims: &[RoundClaim],
        p: &FriVars,
    ) {
        let zero = b.constant(Val::ZERO);
        let seed: Vec<Felt> = self.pcs_seed.iter().map(|&v| b.constant(v)).collect();
        ch.observe_slice(b, &seed);
        for round in claims {
            for m in &round.matrices {
                for (_, values) in &m.points {
                    for &v in values {
                        ch.observe_ext(b, v);
                    }
                }
            }
        }
        // No batch grinding: Plonky3 requires the unused witness to be zero.
        b.assert_eq(p.batch_pow_witness, zero);
        let alpha = ch.sample_ext(b);
        let seed: Vec<Felt> = self.fri_seed.iter().map(|&v| b.constant(v)).collect();
        ch.observe_slice(b, &seed);
        let betas: Vec<Ext> = p
            .commits
            .iter()
            .zip(&p.commit_pow_witnesses)
            .map(|(c, &w)| {
                ch.observe_slice(b, c);
                if self.commit_pow_bits > 0 {
                    ch.check_witness(b, self.commit_pow_bits, w);
                } else {
                    b.assert_eq(w, zero);
                }
                ch.sample_ext(b)
            })
            .collect();
        for &c in &p.final_poly {
            ch.observe_ext(b, c);
        }
        if self.query_pow_bits > 0 {
            ch.check_witness(b, self.query_pow_bits, p.query_pow_witness);
        } else {
            b.assert_eq(p.query_pow_witness, zero);
        }
        let indices: Vec<Vec<Felt>> = (0..self.num_queries)
            .map(|_| ch.sample_bits(b, self.log_max_height))
            .collect();

        // Alpha powers restart for every height ("ladder"); Σ α^k p_k(z) per opening point once.
        let mut ladder_len: BTreeMap<usize, usize> = BTreeMap::new();
        for round in claims {
            for m in &round.matrices {
                for (_, values) in &m.points {
                    *ladder_len
                        .entry(m.log_height + self.log_blowup)
                        .or_insert(0) += values.len();
                }
            }
        }
        let max_ladder = ladder_len.values().copied().max().unwrap_or(0);
        let mut alpha_pows: Vec<Ext> = Vec::with_capacity(max_ladder);
        let one: Ext = b.constant(Val::ONE).into();
        for k in 0..max_ladder {
            let next = if k == 0 {
                one
            } else {
                b.mul_ext(alpha_pows[k - 1], alpha)
            };
            alpha_pows.push(next);
        }
        let mut offsets: BTreeMap<usize, usize> = BTreeMap::new();
        // (log height, alpha offset, Σ α^k p_k(z), z) per opening point, in claim order.
        let mut reductions = Vec::new();
        for round in claims {
            for m in &round.matrices {
                let lh = m.log_height + self.log_blowup;
                for &(z, ref values) in &m.points {
                    let off = offsets.entry(lh).or_insert(0);
                    let start = *off;
                    *off += values.len();
                    let sum = dot(b, &alpha_pows[start..], values.iter().copied());
                    reductions.push((start, sum, z));
                }
            }
        }

        // Each layer's beta² (the weight of an opening rolled in at that layer), once for all queries.
        let beta_squares: Vec<Ext> = betas.iter().map(|&beta| b.mul_ext(beta, beta)).collect();
        let half = b.constant(Val::ONE.halve());
        for (q, bits) in indices.iter().enumerate() {
            let query = &p.queries[q];
            for (round, (rows, path)) in claims.iter().zip(&query.inputs) {
                let mats: Vec<(usize, usize)> =
                    round.matrices.iter().map(|m| (m.log_height, 0)).collect();
                let depth = self.round_log_height(&mats);
                let heights: Vec<usize> = round
                    .matrices
                    .iter()
                    .map(|m| m.log_height + self.log_blowup)
                    .collect();
                let root = b.mmcs_root(&heights, rows, &bits[self.log_max_height - depth..], path);
                for (r, c) in root.into_iter().zip(round.commitment) {
                    b.assert_eq(r, c);
                }
            }
            // Reduced openings per height.
            let mut xs: BTreeMap<usize, Ext> = BTreeMap::new();
            let mut reduced: BTreeMap<usize, Ext> = BTreeMap::new();
            let mut red = reductions.iter();
            for (round, (rows, _)) in claims.iter().zip(&query.inputs) {
                for (m, row) in round.matrices.iter().zip(rows) {
                    let lh = m.log_height + self.log_blowup;
                    let x = match xs.get(&lh) {
                        Some(&x) => x,
                        None => {
                            let x = self.domain_point(b, &bits[self.log_max_height - lh..], lh);
                            xs.insert(lh, x);
                            x
                        }
                    };
                    for _ in &m.points {
                        let Some(&(start, sum_z, z)) = red.next() else {
                            continue;
                        };
                        let sum_x = dot(b, &alpha_pows[start..], row.iter().map(|&v| v.into()));
                        let diff = b.sub_ext(sum_z, sum_x);
                        let den = b.sub_ext(z, x);
                        let inv = b.inv_ext(den);
                        let term = b.mul_ext(diff, inv);
                        let acc = match reduced.get(&lh) {
                            Some(&a) => b.add_ext(a, term),
                            None => term,
                        };
                        reduced.insert(lh, acc);
                    }
                }
            }
            // Fold by 2 per layer.
            let mut folded = reduced
                .get(&self.log_max_height)
                .copied()
                .unwrap_or(b.constant(Val::ZERO).into());
            let mut log_current = self.log_max_height;
            for (r, ((&beta, commit), (sibling, path))) in
                betas.iter().zip(&p.commits).zip(&query.layers).enumerate()
            {
                let bit = bits[r];
                let d = b.sub_ext(*sibling, folded);
                let t = b.mul_ext(bit, d);
                let lo = b.add_ext(folded, t);
                let s = b.add_ext(folded, *sibling);
                let hi = b.sub_ext(s, lo);
                let log_folded = log_current - 1;
                let mut row = b.ext_to_felts(lo).to_vec();
                row.extend(b.ext_to_felts(hi));
                let root = b.mmcs_root(&[log_folded], &[row], &bits[r + 1..], path);
                for (x, c) in root.into_iter().zip(*commit) {
                    b.assert_eq(x, c);
                }
                // s = g_{log_folded+1}^{rev(index >> (r+1), log_folded)}; fold = (lo+hi)/2 + (lo-hi)·beta/(2s).
                let g = Val::two_adic_generator(log_folded + 1);
                let mut s_inv: Ext = b.constant(Val::ONE).into();
                for k in 0..log_folded {
                    let c = g.exp_power_of_2(log_folded - 1 - k).inverse();
                    let f = self.pow_select(b, bits[r + 1 + k], c);
                    s_inv = b.mul_ext(s_inv, f);
                }
                let sum = b.add_ext(lo, hi);
                let a = b.mul_ext(sum, half);
                let dif = b.sub_ext(lo, hi);
                let db = b.mul_ext(dif, beta);
                let dbs = b.mul_ext(db, s_inv);
                let c = b.mul_ext(dbs, half);
                folded = b.add_ext(a, c);
                log_current = log_folded;
                if let Some(&ro) = reduced.get(&log_folded) {
                    let t = b.mul_ext(beta_squares[r], ro);
                    folded = b.add_ext(folded, t);
                }
            }
            // The final polynomial at x = g_max^{rev(index >> rounds, log_max)}.
            let layers = self.num_layers();
            let g = Val::two_adic_generator(self.log_max_height);
            let mut x: Ext = b.constant(Val::ONE).into();
            for t in 0..self.log_max_height - layers {
                let c = g.exp_power_of_2(self.log_max_height - 1 - t);
                let f = self.pow_select(b, bits[layers + t], c);
                x = b.mul_ext(x, f);
            }
            let mut eval: Ext = b.constant(Val::ZERO).into();
            for &c in p.final_poly.iter().rev() {
                let m = b.mul_ext(eval, x);
                eval = b.add_ext(m, c);
            }
            b.assert_eq_ext(folded, eval);
        }
    }

    /// `1 + bit · (c − 1)`: `c` when the bit is set, else 1.
    fn pow_select(&self, b: &mut Builder, bit: Felt, c: Val) -> Ext {
        let cm1 = b.constant(c - Val::ONE);
        let t = b.mul(bit, cm1);
        let one = b.constant(Val::ONE);
        b.add(t, one).into()
    }

    /// `GENERATOR · g_lh^{rev(index, lh)}` for the `lh` index bits (least significant first).
    fn domain_point(&self, b: &mut Builder, bits: &[Felt], lh: usize) -> Ext {
        let g = Val::two_adic_generator(lh);
        let mut x: Ext = b.constant(Val::GENERATOR).into();
        for (k, &bit) in bits.iter().take(lh).enumerate() {
            let c = g.exp_power_of_2(lh - 1 - k);
            let f = self.pow_select(b, bit, c);
            x = b.mul_ext(x, f);
        }
        x
    }
}

/// `Σ_k powers[k] · values[k]`.
fn dot(b: &mut Builder, powers: &[Ext], values: impl Iterator<Item = Ext>) -> Ext {
    let mut sum: Option<Ext> = None;
    for (&p, v) in powers.iter().zip(values) {
        let t = b.mul_ext(p, v);
        sum = Some(match sum {
            Some(s) => b.add_ext(s, t),
            None => t,
        });
    }
    sum.unwrap_or_else(|| b.constant(Val::ZERO).into())
}

#[cfg(test)]
mod tests {
    use ferrum_zkvm::FAST_TEST;

    use super::*;

    #[test]
    fn a_matrix_below_the_final_fri_height_is_refused() {
        // Heights 2^2 and 2^5 (before the blowup of 2): a final polynomial of 2^4 leaves the first unfolded.
        let rounds = vec![vec![(2, 3, 1), (5, 4, 2)]];
        let params = SecurityParams {
            log_final_poly_len: 4,
            ..FAST_TEST
        };
        assert_eq!(
            PcsPlan::new(&rounds, &params).err(),
            Some(PcsPlanError::BelowFinalHeight {
                log_height: 3,
                log_final: 5
            })
        );
        assert!(PcsPlan::new(&rounds, &FAST_TEST).is_ok());
        assert!(PcsPlan::new(&[], &FAST_TEST).is_err());
    }
}
