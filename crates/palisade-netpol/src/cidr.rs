//! IPv4/IPv6 CIDR blocks as address intervals, enough to decide what an `ipBlock` covers
//! once its `except` blocks and the cluster's own ranges are taken out.

use std::fmt;
use std::net::IpAddr;

/// A CIDR block: family and the inclusive interval of addresses it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub v6: bool,
    pub first: u128,
    pub last: u128,
    pub prefix: u8,
}

/// A CIDR that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a CIDR block (expected e.g. 10.0.0.0/8 or fd00::/8)")]
pub struct CidrError {
    pub text: String,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, CidrError> {
        let err = || CidrError {
            text: text.to_string(),
        };
        let (addr, prefix) = text.trim().split_once('/').ok_or_else(err)?;
        let addr: IpAddr = addr.parse().map_err(|_| err())?;
        let prefix: u8 = prefix.parse().map_err(|_| err())?;
        let (v6, bits, value) = match addr {
            IpAddr::V4(a) => (false, 32u32, u32::from(a) as u128),
            IpAddr::V6(a) => (true, 128u32, u128::from(a)),
        };
        if prefix as u32 > bits {
            return Err(err());
        }
        let host_bits = bits - prefix as u32;
        let mask: u128 = if host_bits == 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        let first = value & !mask;
        let last = if bits == 32 {
            (first | mask) & 0xffff_ffff
        } else {
            first | mask
        };
        Ok(Cidr {
            v6,
            first,
            last,
            prefix,
        })
    }

    /// Whether the block covers the whole address family (`0.0.0.0/0`, `::/0`).
    pub fn is_everything(&self) -> bool {
        self.prefix == 0
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.v6 {
            write!(
                f,
                "{}/{}",
                std::net::Ipv6Addr::from(self.first),
                self.prefix
            )
        } else {
            write!(
                f,
                "{}/{}",
                std::net::Ipv4Addr::from(self.first as u32),
                self.prefix
            )
        }
    }
}

/// Address intervals of one family, disjoint and sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressSet {
    ranges: Vec<(bool, u128, u128)>,
}

impl AddressSet {
    pub fn of(cidr: Cidr) -> AddressSet {
        AddressSet {
            ranges: vec![(cidr.v6, cidr.first, cidr.last)],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Removes the addresses of `cidr`.
    pub fn subtract(&mut self, cidr: &Cidr) {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        for &(v6, lo, hi) in &self.ranges {
            if v6 != cidr.v6 || cidr.last < lo || cidr.first > hi {
                out.push((v6, lo, hi));
                continue;
            }
            if cidr.first > lo {
                out.push((v6, lo, cidr.first - 1));
            }
            if cidr.last < hi {
                out.push((v6, cidr.last + 1, hi));
            }
        }
        self.ranges = out;
    }

    /// Whether every address of `cidr` is in the set.
    pub fn contains_all(&self, cidr: &Cidr) -> bool {
        self.ranges
            .iter()
            .any(|&(v6, lo, hi)| v6 == cidr.v6 && lo <= cidr.first && cidr.last <= hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_parse_to_intervals() {
        let c = Cidr::parse("10.1.2.3/8").unwrap();
        assert_eq!(c.to_string(), "10.0.0.0/8");
        assert!(Cidr::parse("0.0.0.0/0").unwrap().is_everything());
        assert!(Cidr::parse("fd00::/8").unwrap().v6);
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "300.1.1.1/8",
            "banana/2",
            "::/129",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn except_and_cluster_ranges_are_taken_out() {
        let mut set = AddressSet::of(Cidr::parse("0.0.0.0/0").unwrap());
        for c in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] {
            set.subtract(&Cidr::parse(c).unwrap());
        }
        assert!(!set.is_empty());
        assert!(!set.contains_all(&Cidr::parse("10.0.0.0/8").unwrap()));
        assert!(set.contains_all(&Cidr::parse("8.8.8.0/24").unwrap()));
        let mut only_cluster = AddressSet::of(Cidr::parse("10.0.0.0/16").unwrap());
        only_cluster.subtract(&Cidr::parse("10.0.0.0/8").unwrap());
        assert!(only_cluster.is_empty());
    }
}
