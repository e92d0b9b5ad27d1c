//! Go and Rust executables: a real Go program built by the Go toolchain when one is
//! installed (`.ci/install.d/45-golang.sh`), hand-built executables for the pre-1.18 Go
//! pointer format and for cargo-auditable sections, and corrupt build info.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use palisade_vuln::installed::{self, gobinary, InstalledKind, Limits};

fn parse_binary(path: &str, bytes: &[u8]) -> installed::Parsed {
    installed::parse(path, InstalledKind::Binary, bytes, &Limits::default())
}

fn listed(p: &installed::Parsed) -> Vec<String> {
    p.packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {} @ {}",
                p.ecosystem, p.name, p.version, p.location.path
            )
        })
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A module with one vendored dependency replaced by a fork, built without the network.
fn build_go_program(dir: &Path) -> Option<Vec<u8>> {
    let go = Command::new("go")
        .arg("env")
        .arg("GOVERSION")
        .output()
        .ok()?;
    if !go.status.success() {
        return None;
    }
    write(
        &dir.join("go.mod"),
        "module example.com/app\n\ngo 1.18\n\nrequire example.com/lib v1.2.0\n\nreplace example.com/lib => example.com/fork v1.3.0\n",
    );
    write(
        &dir.join("main.go"),
        "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Hello()) }\n",
    );
    write(
        &dir.join("vendor/example.com/lib/lib.go"),
        "package lib\n\nfunc Hello() string { return \"hi\" }\n",
    );
    write(
        &dir.join("vendor/modules.txt"),
        "# example.com/lib v1.2.0 => example.com/fork v1.3.0\n## explicit\nexample.com/lib\n# example.com/lib => example.com/fork v1.3.0\n",
    );
    let status = Command::new("go")
        .args(["build", "-o", "app", "."])
        .current_dir(dir)
        .env("GOFLAGS", "-mod=vendor")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .status()
        .ok()?;
    assert!(status.success(), "go build failed");
    Some(std::fs::read(dir.join("app")).unwrap())
}

#[test]
fn a_real_go_program_lists_stdlib_and_its_modules() {
    let dir = tempfile::tempdir().unwrap();
    let Some(bytes) = build_go_program(dir.path()) else {
        eprintln!(
            "skipped: no Go toolchain (`go`) on PATH; .ci/install.d/45-golang.sh installs it"
        );
        return;
    };
    let goversion = String::from_utf8(
        Command::new("go")
            .args(["env", "GOVERSION"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let stdlib = gobinary::stdlib_version(goversion.trim()).unwrap();
    let p = parse_binary("usr/local/bin/app", &bytes);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        listed(&p),
        [
            format!("Go stdlib {stdlib} @ usr/local/bin/app"),
            "Go example.com/fork v1.3.0 @ usr/local/bin/app".to_string(),
        ]
    );
    // Cut anywhere, the program is at worst unreadable build info: never a panic.
    for cut in [0, 16, bytes.len() / 3, bytes.len() / 2, bytes.len() - 100] {
        let _ = parse_binary("cut", &bytes[..cut]);
    }
}

const MAGIC: &[u8] = b"\xff Go buildinf:";

fn push_u64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

/// A minimal x86-64 ELF executable: one PT_LOAD segment mapping the whole file at
/// 0x400000, no section headers, and pre-1.18 build info (two pointers to Go string
/// headers) at offset 128.
fn pointer_format_elf(version: &str, modinfo: &str) -> Vec<u8> {
    const BASE: u64 = 0x40_0000;
    let wrapped = format!("{}{modinfo}{}", "S".repeat(16), "E".repeat(16));
    let (ver_hdr, mod_hdr, ver_at) = (160u64, 176u64, 192u64);
    let mod_at = ver_at + version.len() as u64;
    let total = mod_at + wrapped.len() as u64;
    let mut b = Vec::new();
    b.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    b.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b.extend_from_slice(&0x3eu16.to_le_bytes()); // x86-64
    b.extend_from_slice(&1u32.to_le_bytes());
    push_u64(&mut b, BASE); // entry
    push_u64(&mut b, 64); // phoff
    push_u64(&mut b, 0); // shoff
    b.extend_from_slice(&0u32.to_le_bytes());
    for v in [64u16, 56, 1, 64, 0, 0] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    b.extend_from_slice(&6u32.to_le_bytes()); // RW
    push_u64(&mut b, 0);
    push_u64(&mut b, BASE);
    push_u64(&mut b, BASE);
    push_u64(&mut b, total);
    push_u64(&mut b, total);
    push_u64(&mut b, 0x1000);
    b.resize(128, 0);
    b.extend_from_slice(MAGIC);
    b.push(8); // pointer size
    b.push(0); // little endian, pointer format
    push_u64(&mut b, BASE + ver_hdr);
    push_u64(&mut b, BASE + mod_hdr);
    assert_eq!(b.len() as u64, ver_hdr);
    push_u64(&mut b, BASE + ver_at);
    push_u64(&mut b, version.len() as u64);
    push_u64(&mut b, BASE + mod_at);
    push_u64(&mut b, wrapped.len() as u64);
    b.extend_from_slice(version.as_bytes());
    b.extend_from_slice(wrapped.as_bytes());
    b
}

#[test]
fn pre_1_18_pointer_format_is_resolved_through_segments() {
    let elf = pointer_format_elf(
        "go1.16.15",
        "path\texample.com/old\nmod\texample.com/old\tv0.9.0\t\ndep\tgithub.com/gorilla/mux\tv1.8.0\th1:x=\n",
    );
    let p = parse_binary("bin/old", &elf);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        listed(&p),
        [
            "Go stdlib v1.16.15 @ bin/old",
            "Go example.com/old v0.9.0 @ bin/old",
            "Go github.com/gorilla/mux v1.8.0 @ bin/old",
        ]
    );
    // A pointer that leads outside the executable: no packages, no panic.
    let mut broken = elf.clone();
    broken[128 + 16..128 + 24].copy_from_slice(&0xdead_beefu64.to_le_bytes());
    assert!(parse_binary("bin/old", &broken).packages.is_empty());
}

/// A relocatable ELF object with one named data section.
fn elf_with_section(name: &[u8], data: &[u8]) -> Vec<u8> {
    use object::write::Object;
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
    let id = obj.add_section(vec![], name.to_vec(), SectionKind::Data);
    obj.set_section_data(id, data.to_vec(), 16);
    obj.write().unwrap()
}

#[test]
fn corrupt_go_build_info_is_an_error_naming_the_file() {
    let mut data = MAGIC.to_vec();
    data.extend([8, 2]);
    data.resize(32, 0);
    data.extend([0xff; 12]); // a length varint that never ends
    let elf = elf_with_section(b".go.buildinfo", &data);
    let p = parse_binary("usr/bin/broken-go", &elf);
    assert!(p.packages.is_empty());
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].path, "usr/bin/broken-go");
    assert!(
        p.errors[0].message.contains("corrupt Go build info"),
        "{}",
        p.errors[0]
    );
    // The same bytes outside a build-info section are just a string some program contains.
    let elf = elf_with_section(b".rodata", &data);
    let p = parse_binary("usr/bin/go-tool", &elf);
    assert!(
        p.packages.is_empty() && p.errors.is_empty(),
        "{:?}",
        p.errors
    );
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[test]
fn cargo_auditable_sections_list_runtime_crates_io_dependencies() {
    let json = br#"{"format":1,"packages":[
        {"name":"app","version":"0.1.0","source":"local","dependencies":[1,3],"root":true},
        {"name":"serde","version":"1.0.190","source":"crates.io","dependencies":[2]},
        {"name":"serde_derive","version":"1.0.190","source":"crates.io"},
        {"name":"time","version":"0.3.20","source":"crates.io"},
        {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
        {"name":"forked","version":"0.2.0","source":"git"}]}"#;
    let elf = elf_with_section(b".dep-v0", &zlib(json));
    let p = parse_binary("usr/bin/app", &elf);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        listed(&p),
        [
            "crates.io serde 1.0.190 @ usr/bin/app",
            "crates.io serde_derive 1.0.190 @ usr/bin/app",
            "crates.io time 0.3.20 @ usr/bin/app",
        ]
    );
    let direct: Vec<_> = p.packages.iter().map(|p| p.direct).collect();
    assert_eq!(direct, [Some(true), Some(false), Some(true)]);

    for (bad, why) in [
        (b"not zlib".to_vec(), "not zlib data"),
        (zlib(b"{\"packages\": 1}"), "not the expected JSON"),
        (zlib(&vec![b' '; 9 << 20]), "more than"),
    ] {
        let elf = elf_with_section(b".dep-v0", &bad);
        let p = parse_binary("usr/bin/bad", &elf);
        assert!(p.packages.is_empty());
        assert_eq!(p.errors[0].path, "usr/bin/bad");
        assert!(p.errors[0].message.contains(why), "{}", p.errors[0]);
    }
}

/// A Mach-O object with the section where cargo-auditable puts its data on Apple targets
/// (`__DATA,.dep-v0`), written as cargo-auditable writes it.
fn macho_with_section(segment: &[u8], name: &[u8], data: &[u8]) -> Vec<u8> {
    use object::write::Object;
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};
    let mut obj = Object::new(
        BinaryFormat::MachO,
        Architecture::Aarch64,
        Endianness::Little,
    );
    let id = obj.add_section(segment.to_vec(), name.to_vec(), SectionKind::ReadOnlyData);
    obj.set_section_data(id, data.to_vec(), 1);
    obj.write().unwrap()
}

/// A linked PE executable (as on Windows targets) with one data section.
fn pe_with_section(name: [u8; 8], data: &[u8]) -> Vec<u8> {
    use object::pe;
    use object::write::pe::{NtHeaders, Writer};
    let mut out = Vec::new();
    let mut w = Writer::new(true, 0x1000, 0x200, &mut out);
    w.reserve_dos_header_and_stub();
    w.reserve_nt_headers(16);
    w.reserve_section_headers(1);
    let len = data.len() as u32;
    let range = w.reserve_section(
        name,
        pe::IMAGE_SCN_CNT_INITIALIZED_DATA | pe::IMAGE_SCN_MEM_READ,
        len,
        len,
    );
    w.write_dos_header_and_stub().unwrap();
    w.write_nt_headers(NtHeaders {
        machine: pe::IMAGE_FILE_MACHINE_AMD64,
        time_date_stamp: 0,
        characteristics: pe::IMAGE_FILE_EXECUTABLE_IMAGE | pe::IMAGE_FILE_LARGE_ADDRESS_AWARE,
        major_linker_version: 14,
        minor_linker_version: 0,
        address_of_entry_point: 0,
        image_base: 0x1_4000_0000,
        major_operating_system_version: 6,
        minor_operating_system_version: 0,
        major_image_version: 0,
        minor_image_version: 0,
        major_subsystem_version: 6,
        minor_subsystem_version: 0,
        subsystem: pe::IMAGE_SUBSYSTEM_WINDOWS_CUI,
        dll_characteristics: pe::DllFlags::default(),
        size_of_stack_reserve: 0x10_0000,
        size_of_stack_commit: 0x1000,
        size_of_heap_reserve: 0x10_0000,
        size_of_heap_commit: 0x1000,
    });
    w.write_section_headers();
    w.write_section(range.file_offset, data);
    out
}

const AUDIT_JSON: &[u8] = br#"{"format":1,"packages":[
    {"name":"tool","version":"0.3.0","source":"local","dependencies":[1],"root":true},
    {"name":"hyper","version":"0.14.10","source":"crates.io","dependencies":[2]},
    {"name":"h2","version":"0.3.17","source":"crates.io"}]}"#;

#[test]
fn cargo_auditable_data_is_read_from_pe_and_mach_o_executables() {
    let expected = |path: &str| {
        vec![
            format!("crates.io hyper 0.14.10 @ {path}"),
            format!("crates.io h2 0.3.17 @ {path}"),
        ]
    };
    let exe = pe_with_section(*b".dep-v0\0", &zlib(AUDIT_JSON));
    assert!(exe.starts_with(b"MZ"));
    let p = parse_binary("Program Files/tool/tool.exe", &exe);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(listed(&p), expected("Program Files/tool/tool.exe"));
    let direct: Vec<_> = p.packages.iter().map(|p| p.direct).collect();
    assert_eq!(direct, [Some(true), Some(false)]);

    let macho = macho_with_section(b"__DATA", b".dep-v0", &zlib(AUDIT_JSON));
    let p = parse_binary("usr/local/bin/tool", &macho);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(listed(&p), expected("usr/local/bin/tool"));

    // corrupt data in either container is an error naming the file
    let exe = pe_with_section(*b".dep-v0\0", b"not zlib");
    let p = parse_binary("tool.exe", &exe);
    assert!(p.packages.is_empty());
    assert_eq!(p.errors[0].path, "tool.exe");
    assert!(
        p.errors[0].message.contains("not zlib data"),
        "{}",
        p.errors[0]
    );
    let macho = macho_with_section(b"__DATA", b".dep-v0", &zlib(b"{}"));
    let p = parse_binary("usr/local/bin/tool", &macho);
    assert!(
        p.errors[0].message.contains("not the expected JSON"),
        "{}",
        p.errors[0]
    );

    // the same bytes in other sections are just data
    let exe = pe_with_section(*b".rdata\0\0", &zlib(AUDIT_JSON));
    assert_eq!(parse_binary("tool.exe", &exe), installed::Parsed::default());
    let macho = macho_with_section(b"__DATA", b"__const", &zlib(AUDIT_JSON));
    assert_eq!(
        parse_binary("usr/local/bin/tool", &macho),
        installed::Parsed::default()
    );
}

/// A universal binary: big-endian fat header, then each slice at a 4 KiB boundary.
fn universal(slices: &[(u32, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xcafe_babe_u32.to_be_bytes());
    out.extend((slices.len() as u32).to_be_bytes());
    let mut offset = 0x1000_u32;
    let mut placed = Vec::new();
    for (cputype, data) in slices {
        for field in [*cputype, 0, offset, data.len() as u32, 12] {
            out.extend(field.to_be_bytes());
        }
        placed.push((offset, *data));
        offset += (data.len() as u32).div_ceil(0x1000) * 0x1000;
    }
    for (at, data) in placed {
        out.resize(at as usize, 0);
        out.extend_from_slice(data);
    }
    out
}

#[test]
fn universal_mach_o_binaries_list_each_dependency_once() {
    const CPU_TYPE_X86_64: u32 = 0x0100_0007;
    const CPU_TYPE_ARM64: u32 = 0x0100_000c;
    let slice = macho_with_section(b"__DATA", b".dep-v0", &zlib(AUDIT_JSON));
    let fat = universal(&[(CPU_TYPE_X86_64, &slice), (CPU_TYPE_ARM64, &slice)]);
    let p = parse_binary("Applications/Tool.app/Contents/MacOS/tool", &fat);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        listed(&p),
        [
            "crates.io hyper 0.14.10 @ Applications/Tool.app/Contents/MacOS/tool",
            "crates.io h2 0.3.17 @ Applications/Tool.app/Contents/MacOS/tool",
        ]
    );
    // a corrupt slice is an error naming the file
    let bad = macho_with_section(b"__DATA", b".dep-v0", b"not zlib");
    let fat = universal(&[(CPU_TYPE_X86_64, &slice), (CPU_TYPE_ARM64, &bad)]);
    let p = parse_binary("usr/local/bin/tool", &fat);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].path, "usr/local/bin/tool");
    // Java class files share the magic number: nothing, and no error
    let class = b"\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x10\x0a\x00\x03\x00\x0d\x07";
    assert_eq!(
        parse_binary("opt/app/Main.class", class),
        installed::Parsed::default()
    );
}

#[test]
fn other_executables_and_scripts_have_no_packages() {
    let elf = elf_with_section(b".data", b"just data");
    assert_eq!(
        parse_binary("usr/bin/c-prog", &elf),
        installed::Parsed::default()
    );
    assert_eq!(
        parse_binary("usr/bin/script", b"#!/bin/sh\necho hi\n"),
        installed::Parsed::default()
    );
}
