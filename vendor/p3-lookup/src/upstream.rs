//! Upstream's LogUp fraction constraint, unchanged, for differential tests.
//!
//! Compiled only with the `upstream-reference` feature (Ferrum enables it from `ferrum-zkvm`'s
//! dev-dependencies). Ferrum rewrote `LogUpGadget::eval_fraction` in `logup.rs` for speed; this
//! module keeps Plonky3's original evaluation (p3-lookup 0.9.0-rc.2 as published on crates.io)
//! so that a test can check both give the same constraint value on any row. `FERRUM.md` says
//! which lines are upstream's, byte for byte, and how to check it.

use alloc::vec;
use alloc::vec::Vec;

use itertools::Itertools;
use p3_air::{PermutationAirBuilder, WindowAccess};
use p3_field::PrimeCharacteristicRing;

use crate::types::Lookup;

/// Upstream's LogUp fraction constraint `U * f - V = 0` for one lookup, evaluated on `builder`
/// exactly as Plonky3's `LogUpGadget::eval_fraction` (0.9.0-rc.2) does.
pub fn upstream_eval_fraction<AB>(builder: &mut AB, lookup: &Lookup<AB::F>)
where
    AB: PermutationAirBuilder,
{
    UpstreamLogUpGadget.eval_fraction(builder, lookup);
}

/// Upstream's `LogUpGadget`, reduced to what its `eval_fraction` needs.
#[derive(Debug, Clone, Copy, Default)]
struct UpstreamLogUpGadget;

/// Upstream's `LookupProtocol` methods used here (its `num_challenges` and `eval_fraction`).
trait UpstreamFraction {
    fn num_challenges(&self) -> usize;

    fn eval_fraction<AB>(&self, builder: &mut AB, lookup: &Lookup<AB::F>)
    where
        AB: PermutationAirBuilder;
}

// ---- Upstream src/logup.rs lines 158-289 (inherent helpers of `LogUpGadget`), verbatim. ----
impl UpstreamLogUpGadget {
    /// Computes the combined elements for each tuple using the challenge `beta`:
    /// `combined_elements[i] = ∑_j elements[i][j] * β^(k-1-j), for a tuple of width k`
    fn combine_elements<AB, E>(
        &self,
        elements: &[Vec<E>],
        alpha: &AB::ExprEF,
        beta: &AB::ExprEF,
    ) -> Vec<AB::ExprEF>
    where
        AB: PermutationAirBuilder,
        E: Into<AB::ExprEF> + Clone,
    {
        elements
            .iter()
            .map(|elts| {
                // Combine the elements in the tuple using beta.
                let combined_elt = elts.iter().fold(AB::ExprEF::ZERO, |acc, elt| {
                    elt.clone().into() + acc * beta.clone()
                });

                // Compute (α - combined_elt)
                alpha.clone() - combined_elt
            })
            .collect()
    }

    /// Computes the numerator and denominator of the fraction:
    /// `∑(m_i / (α - combined_elements[i]))`, where
    /// `combined_elements[i] = ∑_j elements[i][j] * β^(k-1-j), for a tuple of width k`
    pub(crate) fn compute_combined_sum_terms<AB, E, M>(
        &self,
        elements: &[Vec<E>],
        multiplicities: &[M],
        alpha: &AB::ExprEF,
        beta: &AB::ExprEF,
    ) -> (AB::ExprEF, AB::ExprEF)
    where
        AB: PermutationAirBuilder,
        E: Into<AB::ExprEF> + Clone,
        M: Into<AB::ExprEF> + Clone,
    {
        if elements.is_empty() {
            return (AB::ExprEF::ZERO, AB::ExprEF::ONE);
        }

        let n = elements.len();

        // Precompute all (α - ∑e_{i, j} β^j) terms
        let terms = self.combine_elements::<AB, E>(elements, alpha, beta);

        // Build prefix products: pref[i] = ∏_{j=0}^{i-1}(α - e_j)
        let mut pref = Vec::with_capacity(n + 1);
        pref.push(AB::ExprEF::ONE);
        for t in &terms {
            pref.push(pref.last().unwrap().clone() * t.clone());
        }

        // Build suffix products: suff[i] = ∏_{j=i}^{n-1}(α - e_j)
        let mut suff = vec![AB::ExprEF::ONE; n + 1];
        for i in (0..n).rev() {
            suff[i] = suff[i + 1].clone() * terms[i].clone();
        }

        // Common denominator is the product of all terms
        let common_denominator = pref[n].clone();

        // Compute numerator: ∑(m_i * ∏_{j≠i}(α - e_j))
        //
        // The product without i is: pref[i] * suff[i+1]
        let numerator = (0..n).fold(AB::ExprEF::ZERO, |acc, i| {
            acc + multiplicities[i].clone().into() * pref[i].clone() * suff[i + 1].clone()
        });

        (numerator, common_denominator)
    }

    /// Numerator and denominator of a mutually-exclusive column's single fraction.
    ///
    /// At most one branch fires per row.
    /// The column then carries the one selected fraction.
    ///
    /// ```text
    ///     N = sum_k flag_k * mult_k
    ///     D = sum_k flag_k * (alpha - combine_k) + (1 - sum_k flag_k)
    /// ```
    ///
    /// - When branch `j` fires, `flag_j = 1` and the rest are `0`.
    /// - The fraction is then `mult_j / (alpha - combine_j)`.
    /// - When no branch fires, `N = 0` and `D = 1`.
    /// - The fraction is then `0`.
    /// - The denominator degree is the per-branch maximum, not the sum.
    /// - That is the whole point of an exclusive column over additive folding.
    ///
    /// # Soundness
    ///
    /// - Correct only when the flags are boolean.
    /// - Correct only when the flags sum to at most one per row.
    /// - The AIR must enforce that.
    /// - The gadget assumes it.
    pub(crate) fn compute_exclusive_terms<AB>(
        &self,
        flags: &[AB::ExprEF],
        elements: &[Vec<AB::ExprEF>],
        multiplicities: &[AB::ExprEF],
        alpha: &AB::ExprEF,
        beta: &AB::ExprEF,
    ) -> (AB::ExprEF, AB::ExprEF)
    where
        AB: PermutationAirBuilder,
    {
        // Per-branch denominator term (alpha - combine(payload_k)).
        let terms = self.combine_elements::<AB, AB::ExprEF>(elements, alpha, beta);

        // Multiplex by the flags, accumulating the selected numerator and denominator.
        //
        // One flag per branch is the structural contract of an exclusive column.
        // `zip_eq` panics on any length drift, so a malformed column never folds silently.
        let mut numerator = AB::ExprEF::ZERO;
        let mut denominator = AB::ExprEF::ZERO;
        let mut flag_sum = AB::ExprEF::ZERO;
        for ((flag, term), mult) in flags.iter().zip_eq(&terms).zip_eq(multiplicities) {
            denominator += flag.clone() * term.clone();
            numerator += flag.clone() * mult.clone();
            flag_sum += flag.clone();
        }

        // Fallback term: an all-inactive row gets denominator 1.
        // Its fraction is then 0.
        denominator += AB::ExprEF::ONE - flag_sum;

        (numerator, denominator)
    }
}

// ---- Upstream src/logup.rs lines 293-408 (`num_challenges`, `eval_fraction`), verbatim. ----
impl UpstreamFraction for UpstreamLogUpGadget {
    fn num_challenges(&self) -> usize {
        2
    }

    /// # Mathematical Details
    ///
    /// The constraint enforces, on every row, the rational identity:
    /// ```text
    /// U_c(r) * f_c[r] - V_c(r) = 0
    /// ```
    ///
    /// where:
    /// - `f_c` is the lookup's fraction column,
    /// - `(V_c, U_c)` is the rational form
    ///
    /// ```text
    /// ∑_i(multiplicities[i] / (α - combined_elements[i])) = V_c / U_c
    /// ```
    ///
    /// - `multiplicities` may be negative,
    /// - `combined_elements[i] = ∑_j elements[i][j] * β^(k-1-j), for a tuple of width k`.
    fn eval_fraction<AB>(&self, builder: &mut AB, lookup: &Lookup<AB::F>)
    where
        AB: PermutationAirBuilder,
    {
        let Lookup {
            kind: _,
            elements,
            multiplicities,
            // Not part of the per-row fraction; it only feeds the height-bound check.
            count_weight: _,
            column,
            flags,
        } = lookup;

        assert!(
            elements.len() == multiplicities.len(),
            "Mismatched lengths: elements and multiplicities must have same length"
        );

        let column = *column;

        // First, turn the symbolic expressions into builder expressions, for elements and multiplicities.
        let elements = elements
            .iter()
            .map(|exprs| {
                exprs
                    .iter()
                    .map(|expr| expr.resolve(builder).into())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>();

        let multiplicities = multiplicities
            .iter()
            .map(|expr| expr.resolve(builder).into())
            .collect::<Vec<_>>();

        // Access the permutation (aux) table and the per-lookup challenges.
        let permutation = builder.permutation();
        let permutation_challenges = builder.permutation_randomness();

        assert!(
            permutation_challenges.len() >= self.num_challenges() * (column + 1),
            "Insufficient permutation challenges"
        );

        // Challenge for the rational denominator.
        let alpha = permutation_challenges[self.num_challenges() * column];
        // Challenge for combining the lookup tuples.
        let beta = permutation_challenges[self.num_challenges() * column + 1];

        // Read this lookup's fraction column at the current row.
        //
        // Column 0 of the permutation trace is the shared accumulator.
        // So lookup slot `column` lives at permutation-trace column `column + 1`.
        let frac_local: AB::ExprEF = permutation.current(column + 1).unwrap().into();

        // Resolve the exclusive selector flags into builder expressions.
        //
        // - An additive column has no flags, so this stays empty.
        // - An exclusive column yields one resolved flag per branch.
        let flags = flags
            .iter()
            .flatten()
            .map(|expr| expr.resolve(builder).into())
            .collect::<Vec<AB::ExprEF>>();

        // Build the fraction `numerator / denominator`.
        //
        // - No flags: sum one term per tuple, so the denominator is their product.
        // - With flags: select one branch's single fraction, so the degree is the per-branch max.
        let (numerator, common_denominator) = if flags.is_empty() {
            self.compute_combined_sum_terms::<AB, AB::ExprEF, AB::ExprEF>(
                &elements,
                &multiplicities,
                &alpha.into(),
                &beta.into(),
            )
        } else {
            self.compute_exclusive_terms::<AB>(
                &flags,
                &elements,
                &multiplicities,
                &alpha.into(),
                &beta.into(),
            )
        };

        // Pin the fraction column to V / U on every row.
        //
        // The identity is cyclic in the trace domain, so it does not need a
        // transition gate. Forcing it on every row also pins the last-row
        // value used by the accumulator's terminal binding.
        builder.assert_zero_ext(common_denominator * frac_local - numerator);
    }
}
