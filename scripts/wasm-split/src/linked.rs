//! The reference graph of the linker's output (built with `-Clink-arg=--emit-relocs`), before wasm-bindgen and
//! wasm-opt touched it: which functions and data symbols each function and each data symbol refers to.
//!
//! The optimised module has lost this information (an address in its code is only a number), but the
//! relocations say which data symbol each address in the code or in the data came from. wasm-opt only removes,
//! merges and inlines code, so the closure of the primary's functions in this graph covers every address the
//! optimised primary can use.

use std::collections::HashMap;
use std::ops::Range;

use anyhow::{Context, Result, bail};
use wasmparser::{
    DataKind, KnownCustom, Linking, Name, Operator, Parser, Payload, RelocSectionReader,
    RelocationType, SymbolInfo,
};

/// Functions are nodes `0..funcs` (their function index in the linked module); data symbols follow.
pub struct Linked {
    /// Function index of each named function.
    by_name: HashMap<String, usize>,
    funcs: usize,
    /// The initial memory image from address 0.
    pub image: Vec<u8>,
    /// Memory addresses of data node `funcs + i`.
    data: Vec<Range<u32>>,
    /// Non-zero bytes in no data symbol.
    unclaimed: Vec<Range<u32>>,
    edges: Vec<Vec<usize>>,
}

/// What the primary's roots reach in the linked module.
pub struct Closure {
    /// By function index of the linked module.
    funcs: Vec<bool>,
    /// Address ranges of the reached data symbols.
    pub data: Vec<Range<u32>>,
}

impl Linked {
    pub fn parse(wasm: &[u8]) -> Result<Linked> {
        let mut imported_funcs = 0;
        let mut bodies: Vec<Range<usize>> = Vec::new();
        let mut code_start = None;
        let mut data_start = None;
        // Per data segment: its address and where its bytes are in the file.
        let mut segments: Vec<(u32, Range<usize>)> = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        let mut symbols: Vec<Symbol> = Vec::new();
        let mut relocs: Vec<(bool, Vec<Reloc>)> = Vec::new();

        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(imports) => {
                    for import in imports.into_imports() {
                        if let wasmparser::TypeRef::Func(_) = import?.ty {
                            imported_funcs += 1;
                        }
                    }
                }
                Payload::CodeSectionStart { range, .. } => code_start = Some(range.start),
                Payload::CodeSectionEntry(body) => bodies.push(body.range()),
                Payload::DataSection(reader) => {
                    data_start = Some(reader.range().start);
                    for data in reader {
                        let data = data?;
                        let DataKind::Active { offset_expr, .. } = data.kind else {
                            bail!("linked module: passive data segment");
                        };
                        let bytes = data.range.end - data.data.len()..data.range.end;
                        segments.push((const_i32(offset_expr.get_operators_reader())?, bytes));
                    }
                }
                Payload::CustomSection(custom) => match custom.as_known() {
                    KnownCustom::Linking(linking) => {
                        for sub in linking {
                            if let Linking::SymbolTable(table) = sub? {
                                for info in table {
                                    symbols.push(Symbol::from(info?));
                                }
                            }
                        }
                    }
                    KnownCustom::Reloc(reloc) => {
                        let code = custom.name() == "reloc.CODE";
                        if code || custom.name() == "reloc.DATA" {
                            relocs.push((code, read_relocs(&reloc)?));
                        }
                    }
                    KnownCustom::Name(reader) => {
                        for name in reader {
                            if let Name::Function(map) = name? {
                                for naming in map {
                                    let naming = naming?;
                                    let i = naming.index as usize;
                                    if names.len() <= i {
                                        names.resize(i + 1, None);
                                    }
                                    names[i] = Some(naming.name.to_string());
                                }
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        if symbols.is_empty() || relocs.len() != 2 {
            bail!(
                "linked module: no `linking` section or no reloc.CODE/reloc.DATA: build it with RUSTFLAGS=-Clink-arg=--emit-relocs"
            );
        }
        let funcs = imported_funcs + bodies.len();
        names.resize(funcs, None);
        let code_start = code_start.context("linked module: no code section")?;
        let data_start = data_start.context("linked module: no data section")?;

        // Data symbols become nodes after the functions.
        let mut node_of_symbol: Vec<Option<usize>> = Vec::new();
        let mut data: Vec<Range<u32>> = Vec::new();
        for symbol in &symbols {
            node_of_symbol.push(match *symbol {
                Symbol::Func(index) => Some(index as usize),
                Symbol::Data {
                    segment,
                    offset,
                    size,
                } => {
                    let (address, bytes) = segments
                        .get(segment as usize)
                        .context("linked module: data symbol in no segment")?;
                    if (offset + size) as usize > bytes.len() {
                        bail!("linked module: data symbol past its segment's end");
                    }
                    data.push(address + offset..address + offset + size);
                    Some(funcs + data.len() - 1)
                }
                Symbol::Other => None,
            });
        }

        let mut image = Vec::new();
        for (address, bytes) in &segments {
            let start = *address as usize;
            image.resize(image.len().max(start + bytes.len()), 0);
            image[start..start + bytes.len()].copy_from_slice(&wasm[bytes.clone()]);
        }
        // Bytes no data symbol claims (none in today's build) have no edges to say who uses them: they are
        // the primary's, to be safe.
        let claimed = covered(&data, image.len());
        let unclaimed = (0..image.len())
            .filter(|&a| image[a] != 0 && !claimed[a])
            .map(|a| a as u32..a as u32 + 1)
            .collect();

        let mut edges = vec![Vec::new(); funcs + data.len()];
        for (code, entries) in relocs {
            for (ty, offset, symbol) in entries {
                // A type index is not a symbol index; the other kinds of symbol (globals, tables) carry no bytes.
                if ty == RelocationType::TypeIndexLeb {
                    continue;
                }
                let Some(&Some(target)) = node_of_symbol.get(symbol as usize) else {
                    continue;
                };
                let from = if code {
                    // The function whose body holds the relocated bytes.
                    let at = code_start + offset;
                    let i = bodies.partition_point(|body| body.end <= at);
                    if bodies.get(i).is_none_or(|body| !body.contains(&at)) {
                        bail!("linked module: reloc.CODE offset {offset} in no function body");
                    }
                    vec![imported_funcs + i]
                } else {
                    // Every data symbol holding the relocated pointer (symbols may alias).
                    let at = data_start + offset;
                    let (address, bytes) = segments
                        .iter()
                        .find(|(_, bytes)| bytes.contains(&at))
                        .with_context(|| {
                        format!("linked module: reloc.DATA offset {offset} in no segment")
                    })?;
                    let address = address + (at - bytes.start) as u32;
                    let holders: Vec<usize> = (0..data.len())
                        .filter(|&i| data[i].contains(&address))
                        .map(|i| funcs + i)
                        .collect();
                    if holders.is_empty() {
                        bail!("linked module: pointer at {address:#x} stored in no data symbol");
                    }
                    holders
                };
                for node in from {
                    edges[node].push(target);
                }
            }
        }

        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut exported: HashMap<String, Option<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name else { continue };
            by_name.insert(name.clone(), i);
            if let Some(base) = without_hash(name) {
                // Two symbols with one base name: match neither.
                exported
                    .entry(base.to_string())
                    .and_modify(|f| *f = None)
                    .or_insert(Some(i));
            }
        }
        for (base, f) in exported {
            if let Some(f) = f {
                by_name.entry(base).or_insert(f);
            }
        }
        Ok(Linked {
            by_name,
            funcs,
            image,
            data,
            unclaimed,
            edges,
        })
    }

    /// The linked module's function that became IN's function of this name. wasm-bindgen renames the exports'
    /// symbols (`core_new_e953e6be271d57ae` becomes `core_new`, matched in `parse`) and names its shims after
    /// the function they wrap (`core_call multivalue shim`).
    fn resolve(&self, name: &str) -> Option<usize> {
        let name = name.split_once(' ').map_or(name, |(wrapped, _)| wrapped);
        self.by_name.get(name).copied()
    }

    /// Whether an IN function of this name has a counterpart in the linked module (wasm-bindgen's own
    /// functions have none).
    pub fn knows(&self, name: &str) -> bool {
        self.resolve(name).is_some()
    }

    /// Whether `closure` may reach IN's function of this name: it does, or the linked module does not know the
    /// function (be conservative).
    pub fn may_reach(&self, closure: &Closure, name: &str) -> bool {
        self.resolve(name).is_none_or(|i| closure.funcs[i])
    }

    pub fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> Closure {
        let mut seen = vec![false; self.edges.len()];
        let mut stack: Vec<usize> = roots
            .into_iter()
            .filter_map(|name| self.resolve(name))
            .collect();
        while let Some(node) = stack.pop() {
            if !std::mem::replace(&mut seen[node], true) {
                stack.extend(self.edges[node].iter().copied().filter(|&n| !seen[n]));
            }
        }
        let funcs = self.funcs;
        Closure {
            funcs: seen[..funcs].to_vec(),
            data: (0..self.data.len())
                .filter(|&i| seen[funcs + i])
                .map(|i| self.data[i].clone())
                .chain(self.unclaimed.iter().cloned())
                .collect(),
        }
    }
}

/// For each address below `len`, whether one of `ranges` holds it.
pub fn covered(ranges: &[Range<u32>], len: usize) -> Vec<bool> {
    let mut covered = vec![false; len];
    for range in ranges {
        let range = range.start as usize..(range.end as usize).min(len);
        covered
            .get_mut(range)
            .into_iter()
            .flatten()
            .for_each(|c| *c = true);
    }
    covered
}

/// `name` without the `_` and 16 hex digits wasm-bindgen's macro appends to an export's symbol.
fn without_hash(name: &str) -> Option<&str> {
    let (base, hash) = name.rsplit_once('_')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(base)
}

enum Symbol {
    Func(u32),
    Data {
        segment: u32,
        offset: u32,
        size: u32,
    },
    /// Globals, tables, sections, undefined data: no node.
    Other,
}

impl From<SymbolInfo<'_>> for Symbol {
    fn from(info: SymbolInfo<'_>) -> Symbol {
        match info {
            SymbolInfo::Func { index, .. } => Symbol::Func(index),
            SymbolInfo::Data {
                symbol: Some(def), ..
            } => Symbol::Data {
                segment: def.index,
                offset: def.offset,
                size: def.size,
            },
            _ => Symbol::Other,
        }
    }
}

/// A relocation: its type, its offset in the code or data section, its symbol's index.
type Reloc = (RelocationType, usize, u32);

fn read_relocs(reader: &RelocSectionReader<'_>) -> Result<Vec<Reloc>> {
    reader
        .entries()
        .into_iter()
        .map(|entry| {
            let entry = entry?;
            Ok((entry.ty, entry.offset as usize, entry.index))
        })
        .collect()
}

/// The value of a constant expression that must be a plain `i32.const` (a segment's offset).
pub fn const_i32(mut ops: wasmparser::OperatorsReader<'_>) -> Result<u32> {
    match (ops.read()?, ops.read()?) {
        (Operator::I32Const { value }, Operator::End) => Ok(value as u32),
        _ => bail!("segment offset is not an i32.const"),
    }
}
