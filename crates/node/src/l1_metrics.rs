//! The L1 sender's costs as Prometheus metrics (`ferrum_l1_*`: the registry adds the prefix), served with the
//! node's other metrics.

use std::sync::Arc;

use ferrum_l1::SenderStats;
use ferrum_rpc::prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::counter::ConstCounter,
};

/// Reads a [`SenderStats`] at each scrape.
#[derive(Debug)]
pub(crate) struct L1SenderMetrics(pub(crate) Arc<SenderStats>);

impl Collector for L1SenderMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let s = self.0.snapshot();
        let counters: [(&str, &str, f64); 3] = [
            (
                "l1_transactions",
                "Operator L1 transactions mined (commits, proofs, executions, cancellations)",
                s.transactions as f64,
            ),
            (
                "l1_replacements",
                "Operator L1 transactions re-sent with higher fees because they stayed unmined",
                s.replacements as f64,
            ),
            (
                "l1_fees_eth",
                "Fees L1 charged the operator (execution and blob gas), in ETH",
                s.fees_wei as f64 / 1e18,
            ),
        ];
        for (name, help, value) in counters {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        Ok(())
    }
}
