//! wasm-split: splits the package's one wasm module (both cores, after wasm-bindgen and wasm-opt) at function
//! level into a primary module, which every page loads, and a secondary module, instantiated on first sign-in
//! against the primary's instance (`{ ...glueImports, __split: primary.exports }`): it imports the primary's
//! memory, tables and globals and calls the primary's functions through the function table, so that no code or
//! data is shipped twice. (binaryen's wasm-split does this, but npm's binaryen ships without it and Debian's is
//! too old for wasm-bindgen's output.)
//!
//! ```text
//! wasm-split [--keep-names] --linked LINKED.wasm --secondary-exports a,b,c IN.wasm PRIMARY.wasm SECONDARY.wasm
//! wasm-split check [--keep-names] --linked LINKED.wasm --secondary-exports a,b,c IN.wasm PRIMARY.wasm SECONDARY.wasm
//! wasm-split strip-relocs LINKED.wasm OUT.wasm
//! ```
//!
//! LINKED.wasm is the linker's output built with `-Clink-arg=--emit-relocs` (`cargo rustc --lib … --
//! -Clink-arg=--emit-relocs` gives the same module as RUSTFLAGS would, and leaves the dependencies' build cache
//! alone): its relocations say which data each function uses (src/linked.rs), which the optimised IN no longer
//! can. IN is LINKED after
//! `strip-relocs` (which drops the linker's `linking` and `reloc.*` sections, else wasm-bindgen and wasm-opt
//! carry them along, stale), `wasm-bindgen --no-demangle` and `wasm-opt -g`: IN's functions are matched with
//! LINKED's by their (mangled) names. Each output is best given a last `wasm-opt -Oz` of its own.
//!
//! A PRIMARY written with `--keep-names` can be IN of another split, with the same LINKED: the parts then
//! form a chain, each instantiated on top of the ones before it (scripts/build-pkg.sh splits the account
//! module off first, then the sign-in module off the rest, then the refresh module off that). A slot of the
//! table that a later part's thunk calls may then be filled by a middle part: the later part needs the middle
//! one instantiated first. A thunk calls through a slot the primary already fills if there is one, so that a
//! function two later parts call takes one slot.
//!
//! Every run checks what it wrote (src/check.rs) and fails rather than write a module it cannot vouch for;
//! `check` runs the same checks on the two modules after their last wasm-opt.

mod check;
mod linked;
mod split;

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: wasm-split [check] [--keep-names] --linked LINKED.wasm --secondary-exports a,b,c IN.wasm PRIMARY.wasm SECONDARY.wasm
       wasm-split strip-relocs LINKED.wasm OUT.wasm";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm-split: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // `check …` makes the split again and checks the given PRIMARY and SECONDARY instead of writing them: for
    // the modules as a last wasm-opt left them.
    let (only_check, args) = match args[..] {
        ["check", ref rest @ ..] => (true, rest),
        ref all => (false, all),
    };
    // `--keep-names`: PRIMARY keeps IN's function names, so that it can be split again (a chain of parts).
    let (keep_names, args) = match args[..] {
        ["--keep-names", ref rest @ ..] => (true, rest),
        ref all => (false, all),
    };
    match *args {
        ["strip-relocs", input, output] if !only_check => {
            write(output, &strip_relocs(&read(input)?)?)
        }
        [
            "--linked",
            linked,
            "--secondary-exports",
            exports,
            input,
            primary,
            secondary,
        ] => {
            let linked = linked::Linked::parse(&read(linked)?).context("reading LINKED")?;
            let exports: Vec<&str> = exports.split(',').filter(|e| !e.is_empty()).collect();
            let input = read(input)?;
            let mut split = split::split(&input, &linked, &exports, keep_names)?;
            if only_check {
                split.primary = read(primary)?;
                split.secondary = read(secondary)?;
            }
            let sizes = check::check(&input, &split).context("self-check failed")?;
            if !only_check {
                write(primary, &split.primary)?;
                write(secondary, &split.secondary)?;
            }
            println!("wasm-split: {sizes}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// The module without its custom sections named `linking` and `reloc.*`, every other byte as it was. Walked by
/// hand: each section is an id byte, a LEB128 size (the linker may pad it) and that many bytes.
fn strip_relocs(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut out = wasm.get(..8).context("not a wasm module")?.to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let (size, contents) = leb128(wasm, at + 1)?;
        let end = contents
            .checked_add(size)
            .filter(|&end| end <= wasm.len())
            .context("truncated section")?;
        let relocs = wasm[at] == 0 && {
            let (len, name) = leb128(wasm, contents)?;
            let name = wasm
                .get(name..name + len)
                .context("truncated section name")?;
            name == b"linking" || name.starts_with(b"reloc.")
        };
        if !relocs {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Ok(out)
}

/// The unsigned LEB128 at `at`, and the offset after it.
fn leb128(wasm: &[u8], mut at: usize) -> Result<(usize, usize)> {
    let mut value = 0;
    for shift in (0..35).step_by(7) {
        let byte = *wasm.get(at).context("truncated LEB128")?;
        at += 1;
        value |= ((byte & 0x7f) as usize) << shift;
        if byte < 0x80 {
            return Ok((value, at));
        }
    }
    bail!("LEB128 longer than 5 bytes")
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {path}"))
}

fn write(path: &str, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A section: its id, its size as a LEB128 padded to 5 bytes (as the linker writes some), its contents.
    fn section(id: u8, contents: &[u8]) -> Vec<u8> {
        let n = contents.len() as u32;
        let mut out = vec![id];
        out.extend((0..5).map(|i| (n >> (7 * i)) as u8 & 0x7f | if i < 4 { 0x80 } else { 0 }));
        out.extend_from_slice(contents);
        out
    }

    fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
        let mut contents = vec![name.len() as u8];
        contents.extend_from_slice(name.as_bytes());
        contents.extend_from_slice(payload);
        section(0, &contents)
    }

    #[test]
    fn strip_relocs_drops_only_the_linker_sections() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let kept = [
            section(1, &[0]),
            custom("name", b"xyz"),
            custom("relocation", b"1"),
        ]
        .concat();
        let dropped = [
            custom("linking", b"\x02"),
            custom("reloc.CODE", b"abc"),
            custom("reloc.DATA", b""),
        ];
        let module = [
            header.clone(),
            dropped[0].clone(),
            kept.clone(),
            dropped[1].clone(),
            dropped[2].clone(),
        ]
        .concat();
        assert_eq!(strip_relocs(&module).unwrap(), [header, kept].concat());
    }

    #[test]
    fn strip_relocs_refuses_a_truncated_module() {
        let module = [b"\0asm\x01\0\0\0".to_vec(), section(1, &[0, 0, 0])].concat();
        assert!(strip_relocs(&module[..module.len() - 1]).is_err());
    }
}
