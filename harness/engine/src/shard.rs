//! `--shard i/n`: a stable share of a batch's candidates, so n CI jobs grade disjoint subsets that together are all.
//!
//! A candidate belongs to shard `fnv1a(name) % n + 1`, FNV-1a 64 over the folder name's UTF-8 bytes ([`digest`]):
//! the same on every machine and Rust version, and a candidate keeps its shard when others are added or removed.
//!
//! [`digest`]: crate::digest

use crate::digest::fnv1a;
use serde::Serialize;
use std::fmt;

/// One shard of `count` (1-based `index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether the candidate folder `name` falls in this shard.
    pub fn contains(self, name: &str) -> bool {
        fnv1a(name.as_bytes()) % self.count + 1 == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Serialize for Shard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(spec: &str) -> Result<Shard, String> {
        let usage = || format!("failed to read the shard `{spec}`: expected i/n with 1 ≤ i ≤ n, e.g. 2/4");
        let (index, count) = spec.split_once('/').ok_or_else(usage)?;
        let index: u64 = index.trim().parse().map_err(|_| usage())?;
        let count: u64 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("candidate-{i:03}")).chain(["alice".into(), "bob".into(), "Zoë".into()]).collect()
    }

    #[test]
    fn the_shards_of_a_batch_cover_every_candidate_exactly_once() {
        let names = names(200);
        for count in 1..=7 {
            let shards: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
            for name in &names {
                let owners = shards.iter().filter(|s| s.contains(name)).count();
                assert_eq!(owners, 1, "{name} is in {owners} of {count} shards");
            }
            if count > 1 {
                // Every shard gets some of 203 names (a hash that sent everything to one shard would pass the above).
                assert!(shards.iter().all(|s| names.iter().any(|n| s.contains(n))), "an empty shard of {count}");
            }
        }
    }

    #[test]
    fn a_name_keeps_its_shard_on_every_platform() {
        // fnv1a("alice") % 4 pinned: a change here moves candidates between CI shards.
        assert_eq!(fnv1a(b"alice") % 4, 3);
        assert!(Shard { index: 4, count: 4 }.contains("alice"));
    }

    #[test]
    fn a_shard_is_read_as_i_of_n_and_anything_else_is_refused() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "-1/4", "1/4/2", ""] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.starts_with("failed to read the shard"), "{bad}: {error}");
        }
    }
}
