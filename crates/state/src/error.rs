//! Storage errors.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Db(#[from] rocksdb::Error),
    /// A stored record could not be decoded (the database is corrupt or from another version).
    #[error("corrupt record in {table}: {reason}")]
    Corrupt {
        /// Column family.
        table: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A block was committed out of order.
    #[error("block {got} does not follow head {head}")]
    NonSequentialBlock {
        /// Current head.
        head: u64,
        /// Offered block.
        got: u64,
    },
}
