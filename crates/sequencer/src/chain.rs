//! State shared between the sequencer and RPC.

use std::sync::{
    Arc, Weak,
    atomic::{AtomicBool, Ordering},
};

use alloy_consensus::Header;
use alloy_primitives::{B256, keccak256};
use ferrum_mempool::Mempool;
use ferrum_primitives::{L1Tx, StateCommitment, next_base_fee};
use ferrum_state::{MerkleTree, Store, StoreError};
use ferrum_stf::{BlockContext, ChainConfig, ExecutedBlock};
use parking_lot::RwLock;
use tokio::sync::broadcast;

/// The latest committed block.
#[derive(Clone, Debug)]
pub struct Head {
    /// Its header.
    pub header: Header,
    /// Its hash.
    pub hash: B256,
    /// State commitment after it.
    pub commitment: StateCommitment,
}

/// Published after each committed block (for subscriptions).
#[derive(Clone, Debug)]
pub struct BlockEvent {
    /// Header of the new block.
    pub header: Header,
    /// Hash of the new block.
    pub hash: B256,
    /// Transaction hashes, in order.
    pub tx_hashes: Vec<B256>,
    /// Logs per transaction, in order.
    pub logs: Vec<Vec<alloy_primitives::Log>>,
    /// From the start of building the block to its commit in the store (execution, tree, write).
    pub build_time: std::time::Duration,
    /// Of that, the store's write (one batch, one fsync when `sync_per_block`).
    pub commit_time: std::time::Duration,
}

impl BlockEvent {
    pub(crate) fn from_block(
        block: &ExecutedBlock,
        build_time: std::time::Duration,
        commit_time: std::time::Duration,
    ) -> Self {
        Self {
            header: block.header.clone(),
            hash: block.hash,
            tx_hashes: block.transactions.iter().map(|t| t.hash()).collect(),
            logs: block
                .receipts
                .iter()
                .map(|r| r.envelope.logs().to_vec())
                .collect(),
            build_time,
            commit_time,
        }
    }
}

/// Told of every block synchronously, after the store commit and before the head moves, so that whatever it
/// counts already covers every block a reader can see (a broadcast subscriber may lag and drop events).
pub trait BlockObserver: Send + Sync {
    /// Called once per committed block, in order.
    fn observe(&self, event: &BlockEvent);
}

/// Everything RPC and the sequencer share.
#[derive(Debug)]
pub struct Chain {
    /// Chain parameters.
    pub config: ChainConfig,
    /// The database.
    pub store: Store,
    /// The state tree at the head.
    pub tree: RwLock<MerkleTree>,
    /// The transaction pool.
    pub pool: Mempool,
    head: RwLock<Arc<Head>>,
    events: broadcast::Sender<Arc<BlockEvent>>,
    observers: RwLock<Vec<Weak<dyn BlockObserver>>>,
    settles_on_l1: AtomicBool,
}

impl Chain {
    /// Wires the shared state together.
    pub fn new(
        config: ChainConfig,
        store: Store,
        tree: MerkleTree,
        pool: Mempool,
        head: Head,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self {
            config,
            store,
            tree: RwLock::new(tree),
            pool,
            head: RwLock::new(Arc::new(head)),
            events,
            observers: RwLock::new(Vec::new()),
            settles_on_l1: AtomicBool::new(false),
        }
    }

    /// Marks the chain as settling on L1: "finalized" then means "executed on L1".
    pub fn set_settles_on_l1(&self) {
        self.settles_on_l1.store(true, Ordering::Relaxed);
    }

    /// Whether an L1 sender settles this chain's batches.
    pub fn settles_on_l1(&self) -> bool {
        self.settles_on_l1.load(Ordering::Relaxed)
    }

    /// The latest committed block.
    pub fn head(&self) -> Arc<Head> {
        self.head.read().clone()
    }

    pub(crate) fn set_head(&self, head: Head) {
        *self.head.write() = Arc::new(head);
    }

    /// Base fee of the next block.
    pub fn next_base_fee(&self) -> u64 {
        let h = &self.head().header;
        next_base_fee(
            &self.config.fee,
            h.gas_used,
            h.gas_limit,
            h.base_fee_per_gas.unwrap_or(self.config.fee.min_base_fee),
        )
    }

    /// Context of the block that would follow the head at `timestamp`.
    pub fn next_block_context(
        &self,
        timestamp: u64,
        fee_recipient: alloy_primitives::Address,
    ) -> BlockContext {
        let head = self.head();
        BlockContext {
            number: head.header.number + 1,
            timestamp: timestamp.max(head.header.timestamp),
            base_fee: self.next_base_fee(),
            gas_limit: self.config.block_gas_limit,
            fee_recipient,
            parent_hash: head.hash,
            prevrandao: keccak256(head.hash),
        }
    }

    /// Up to `max` priority transactions received from L1 and not yet executed, in queue order.
    pub fn pending_priority_ops(&self, max: u64) -> Result<Vec<L1Tx>, StoreError> {
        let next = self.store.next_priority_op()?;
        let received = self.store.priority_ops_received()?;
        (next..received.min(next.saturating_add(max)))
            .map(|i| {
                self.store
                    .priority_op(i)?
                    .ok_or_else(|| StoreError::Corrupt {
                        table: "priority_ops",
                        reason: format!("op {i} missing below the received count {received}"),
                    })
            })
            .collect()
    }

    /// True if priority transactions wait for a block.
    pub fn has_pending_priority_ops(&self) -> Result<bool, StoreError> {
        Ok(self.store.next_priority_op()? < self.store.priority_ops_received()?)
    }

    /// New-block notifications.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvent>> {
        self.events.subscribe()
    }

    /// Registers `observer` for every later block; it is dropped from the list once its last `Arc` is.
    pub fn add_observer(&self, observer: Weak<dyn BlockObserver>) {
        self.observers.write().push(observer);
    }

    /// Tells the observers of a committed block whose head is not yet visible.
    pub(crate) fn observe(&self, event: &BlockEvent) {
        self.observers.write().retain(|o| match o.upgrade() {
            Some(o) => {
                o.observe(event);
                true
            }
            None => false,
        });
    }

    pub(crate) fn publish(&self, event: BlockEvent) {
        // No subscribers is fine.
        let _ = self.events.send(Arc::new(event));
    }
}
