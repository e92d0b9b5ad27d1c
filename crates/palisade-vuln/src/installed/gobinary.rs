//! Go build information embedded in executables (`go version -m`): the toolchain version,
//! the main module and every dependency module with its version and replacement.
//!
//! The linker writes a 32-byte header starting `\xff Go buildinf:` at a 16-byte boundary of
//! the `.go.buildinfo` section (Mach-O `__go_buildinfo`; inside `.data` on Windows and in
//! old toolchains). Go 1.18 and later put both strings inline after the header as
//! varint-prefixed bytes; older toolchains store two pointers to Go string headers, which
//! are resolved through the executable's segments. The module text is wrapped in 16-byte
//! sentinels.

use object::{Object, ObjectSection, ObjectSegment};

use crate::inventory::Package;

const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const ALIGN: usize = 16;
const HEADER: usize = 32;
const FLAG_BIG_ENDIAN: u8 = 0x1;
const FLAG_VERSION_INLINE: u8 = 0x2;
/// Build info of real programs is kilobytes; a string longer than this is corruption.
const MAX_STRING: u64 = 4 << 20;
const SECTION_NAMES: &[&str] = &[".go.buildinfo", "__go_buildinfo"];

/// A module line of the build info (`mod`/`dep`, with its `=>` replacement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// `go1.21.5` as the toolchain writes it.
    pub go_version: String,
    /// The main package's import path.
    pub path: Option<String>,
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build` lines (`-ldflags`, `GOOS`, `vcs.revision`...).
    pub settings: Vec<(String, String)>,
}

/// Build info of `content`, `Ok(None)` when it is not a Go program. An executable with a
/// Go build-info section that cannot be decoded is an error.
pub fn build_info(
    content: &[u8],
    file: Option<&object::File<'_>>,
) -> Result<Option<BuildInfo>, String> {
    if let Some(file) = file {
        for name in SECTION_NAMES {
            let Some(section) = file.section_by_name(name) else {
                continue;
            };
            let data = section
                .data()
                .map_err(|e| format!("Go build info section {name} unreadable: {e}"))?;
            let mut last_error = format!("section {name} has no `\\xff Go buildinf:` header");
            for at in candidates(data) {
                match decode(&data[at..], Some(file)) {
                    Ok(info) => return Ok(Some(info)),
                    Err(e) => last_error = e,
                }
            }
            return Err(format!("corrupt Go build info: {last_error}"));
        }
    }
    // No named section (Windows, old toolchains, section headers stripped): the first
    // aligned header anywhere that decodes. A program that merely contains the magic
    // string (any Go tool that reads build info does) is not an error.
    for at in candidates(content) {
        if let Ok(info) = decode(&content[at..], file) {
            return Ok(Some(info));
        }
    }
    Ok(None)
}

/// Offsets of 16-byte aligned magic headers with room for the whole header.
fn candidates(data: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..data.len().saturating_sub(HEADER - 1))
        .step_by(ALIGN)
        .filter(move |&i| data[i] == 0xff && &data[i..i + MAGIC.len()] == MAGIC)
}

fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, b) in data.iter().take(10).enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn inline_string(data: &[u8]) -> Result<(&[u8], usize), String> {
    let (len, n) = uvarint(data).ok_or("bad length varint")?;
    if len > MAX_STRING || n as u64 + len > data.len() as u64 {
        return Err(format!("string of {len} bytes runs past the data"));
    }
    let end = n + len as usize;
    Ok((&data[n..end], end))
}

fn read_ptr(data: &[u8], size: usize, big: bool) -> Option<u64> {
    let b = data.get(..size)?;
    Some(match (size, big) {
        (4, false) => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
        (4, true) => u64::from(u32::from_be_bytes(b.try_into().ok()?)),
        (8, false) => u64::from_le_bytes(b.try_into().ok()?),
        (8, true) => u64::from_be_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

/// The bytes at virtual address `addr` of the executable.
fn at_address<'d>(file: &object::File<'d>, addr: u64, size: u64) -> Option<&'d [u8]> {
    for seg in file.segments() {
        if let Ok(Some(d)) = seg.data_range(addr, size) {
            return Some(d);
        }
    }
    for sec in file.sections() {
        if let Ok(Some(d)) = sec.data_range(addr, size) {
            return Some(d);
        }
    }
    None
}

/// A Go string (`{ptr, len}` header at `addr`) of a pre-1.18 executable.
fn pointed_string<'d>(
    file: &object::File<'d>,
    addr: u64,
    ptr: usize,
    big: bool,
) -> Result<&'d [u8], String> {
    let header = at_address(file, addr, 2 * ptr as u64)
        .ok_or_else(|| format!("string header at {addr:#x} is outside the executable"))?;
    let data = read_ptr(header, ptr, big).ok_or("short string header")?;
    let len = read_ptr(&header[ptr..], ptr, big).ok_or("short string header")?;
    if len > MAX_STRING {
        return Err(format!("string of {len} bytes at {data:#x}"));
    }
    at_address(file, data, len)
        .ok_or_else(|| format!("string data at {data:#x} is outside the executable"))
}

fn decode(data: &[u8], file: Option<&object::File<'_>>) -> Result<BuildInfo, String> {
    if data.len() < HEADER {
        return Err("truncated header".into());
    }
    let ptr = data[14] as usize;
    let flags = data[15];
    let (version, modinfo): (&[u8], &[u8]) = if flags & FLAG_VERSION_INLINE != 0 {
        let (v, next) = inline_string(&data[HEADER..])?;
        let (m, _) = inline_string(&data[HEADER + next..])?;
        (v, m)
    } else {
        if ptr != 4 && ptr != 8 {
            return Err(format!("pointer size {ptr}"));
        }
        let file = file.ok_or("pointer-format build info in an unparseable executable")?;
        let big = flags & FLAG_BIG_ENDIAN != 0;
        let va = read_ptr(&data[16..], ptr, big).ok_or("short header")?;
        let ma = read_ptr(&data[16 + ptr..], ptr, big).ok_or("short header")?;
        (
            pointed_string(file, va, ptr, big)?,
            pointed_string(file, ma, ptr, big)?,
        )
    };
    let version = std::str::from_utf8(version).map_err(|_| "version is not UTF-8")?;
    if !(version.starts_with("go") || version.starts_with("devel")) {
        return Err(format!("`{}` is not a Go version", version.escape_debug()));
    }
    // Sentinels around the module text: 16 bytes each, the last line ending just before.
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &[][..]
    };
    let modinfo = String::from_utf8_lossy(modinfo);
    let mut info = BuildInfo {
        go_version: version.to_string(),
        path: None,
        main: None,
        deps: Vec::new(),
        settings: Vec::new(),
    };
    for line in modinfo.lines() {
        let mut f = line.split('\t');
        let key = f.next().unwrap_or("");
        let module = |f: &mut std::str::Split<'_, char>| Module {
            path: f.next().unwrap_or("").to_string(),
            version: f.next().unwrap_or("").to_string(),
            sum: f.next().unwrap_or("").to_string(),
            replace: None,
        };
        match key {
            "path" => info.path = f.next().map(str::to_string),
            "mod" => info.main = Some(module(&mut f)),
            "dep" => info.deps.push(module(&mut f)),
            "=>" => {
                let r = Box::new(module(&mut f));
                match info.deps.last_mut() {
                    Some(d) => d.replace = Some(r),
                    None => {
                        if let Some(m) = info.main.as_mut() {
                            m.replace = Some(r)
                        }
                    }
                }
            }
            "build" => {
                if let Some((k, v)) = f.next().and_then(|kv| kv.split_once('=')) {
                    info.settings.push((k.to_string(), v.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

/// `go1.21.5` → `v1.21.5`, `go1.20` → `v1.20.0`, `go1.21rc2` → `v1.21.0-rc.2`, as OSV's
/// `stdlib` ranges spell them (with Go's `v`); development toolchains have no release.
pub fn stdlib_version(go_version: &str) -> Option<String> {
    let v = go_version.split_whitespace().next()?.strip_prefix("go")?;
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, pre) = v.split_at(split);
    let mut parts: Vec<&str> = num.split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    let mut out = format!("v{}", parts.join("."));
    if !pre.is_empty() {
        let tag = pre.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let word = &pre[..pre.len() - tag.len()];
        if word.is_empty() || !tag.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out.push_str(&format!("-{word}.{tag}"));
    }
    Some(out)
}

impl BuildInfo {
    /// The packages advisories can name: `stdlib` at the toolchain's version, the main
    /// module when it has a release version, and every dependency (replaced by what
    /// replaced it; a replacement by a local directory has no version and is left out).
    pub fn packages(&self, location: &str) -> Vec<Package> {
        let mut out = Vec::new();
        if let Some(v) = stdlib_version(&self.go_version) {
            out.push(Package::new("Go", "stdlib", v, location, None));
        }
        let effective = |m: &Module| -> Option<(String, String)> {
            let m = m.replace.as_deref().unwrap_or(m);
            (!m.version.is_empty() && m.version != "(devel)")
                .then(|| (m.path.clone(), m.version.clone()))
        };
        if let Some((p, v)) = self.main.as_ref().and_then(effective) {
            out.push(Package::new("Go", p, v, location, None).with_direct(Some(true)));
        }
        for d in &self.deps {
            if let Some((p, v)) = effective(d) {
                out.push(Package::new("Go", p, v, location, None));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// An inline (Go 1.18+) build-info blob as the linker lays it out.
    pub(crate) fn inline_blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.push(8);
        b.push(FLAG_VERSION_INLINE);
        b.resize(HEADER, 0);
        varint(version.len(), &mut b);
        b.extend_from_slice(version.as_bytes());
        let wrapped = format!("{}{modinfo}{}", "0".repeat(16), "1".repeat(16));
        varint(wrapped.len(), &mut b);
        b.extend_from_slice(wrapped.as_bytes());
        b
    }

    const MODINFO: &str = "path\texample.com/app\nmod\texample.com/app\tv1.2.3\th1:x=\ndep\tgolang.org/x/text\tv0.3.7\th1:y=\ndep\tgithub.com/old/lib\tv1.0.0\th1:z=\n=>\tgithub.com/new/lib\tv1.1.0\th1:w=\ndep\tlocal/thing\tv0.0.0\n=>\t../thing\t\t\nbuild\tGOOS=linux\n";

    #[test]
    fn inline_build_info_anywhere_aligned() {
        let mut file = vec![0u8; 48];
        file.extend(inline_blob("go1.21.5", MODINFO));
        let info = build_info(&file, None).unwrap().unwrap();
        assert_eq!(info.go_version, "go1.21.5");
        assert_eq!(info.path.as_deref(), Some("example.com/app"));
        assert_eq!(info.settings, [("GOOS".to_string(), "linux".to_string())]);
        let p: Vec<String> = info
            .packages("usr/bin/app")
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        assert_eq!(
            p,
            [
                "stdlib v1.21.5",
                "example.com/app v1.2.3",
                "golang.org/x/text v0.3.7",
                "github.com/new/lib v1.1.0"
            ]
        );
    }

    #[test]
    fn misaligned_or_undecodable_magic_is_not_a_go_program() {
        let mut file = vec![0u8; 3];
        file.extend(inline_blob("go1.21.5", MODINFO));
        assert_eq!(build_info(&file, None).unwrap(), None);
        let mut junk = MAGIC.to_vec();
        junk.extend([8, FLAG_VERSION_INLINE]);
        junk.resize(HEADER, 0);
        junk.extend([0xff; 20]);
        assert_eq!(build_info(&junk, None).unwrap(), None);
    }

    #[test]
    fn truncated_inline_strings_fail_to_decode() {
        let blob = inline_blob("go1.21.5", MODINFO);
        for cut in [HEADER, HEADER + 3, blob.len() - 5] {
            assert!(decode(&blob[..cut], None).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn stdlib_versions() {
        assert_eq!(stdlib_version("go1.21.5").as_deref(), Some("v1.21.5"));
        assert_eq!(stdlib_version("go1.20").as_deref(), Some("v1.20.0"));
        assert_eq!(stdlib_version("go1.21rc2").as_deref(), Some("v1.21.0-rc.2"));
        assert_eq!(
            stdlib_version("go1.22.0 X:boringcrypto").as_deref(),
            Some("v1.22.0")
        );
        assert_eq!(stdlib_version("devel go1.23-abc"), None);
        assert_eq!(stdlib_version("go"), None);
    }
}
