//! Newtypes for L2 block and L1 batch numbers, so the two can never be confused.

use core::fmt;

macro_rules! number_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name(pub u64);

        impl $name {
            /// The number that follows this one.
            pub const fn next(self) -> Self {
                Self(self.0 + 1)
            }
            /// Big-endian bytes, the key order used by storage.
            pub const fn to_be_bytes(self) -> [u8; 8] {
                self.0.to_be_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<u64> for $name {
            fn from(n: u64) -> Self {
                Self(n)
            }
        }
    };
}

number_newtype!(
    /// Number of an L2 block (genesis is 0).
    BlockNumber
);
number_newtype!(
    /// Number of an L1 batch (batch 0 is the genesis batch).
    BatchNumber
);
