//! The self-checks every run makes on the two modules it wrote, read back with wasmparser (not with walrus, which
//! wrote them): they validate, they fit together, and their data adds up to IN's.

use std::collections::HashMap;

use anyhow::{Context, Result, bail, ensure};
use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, Operator, Parser, Payload, TypeRef,
    Validator, WasmFeatures,
};

use wasmparser::types::Types;

use crate::linked::const_i32;
use crate::split::{SPLIT_MODULE, Split};

/// What rustc enables for wasm32-unknown-unknown and scripts/build-pkg.sh lets wasm-opt use: WebAssembly 2.0
/// (bulk memory, reference types, multi-value, sign extension, non-trapping conversions, SIMD).
const FEATURES: WasmFeatures = WasmFeatures::WASM2;

/// One module as the checks see it.
struct Facts {
    types: Types,
    imports: Vec<(String, String, TypeRef)>,
    exports: HashMap<String, (ExternalKind, u32)>,
    functions: usize,
    /// (address, bytes) of each active data segment.
    data: Vec<(u32, Vec<u8>)>,
    /// The table slots the element segments fill: (table name, slot) → function index. A table's name is its
    /// `__split` field name in the secondary, its export name in the primary.
    slots: HashMap<(String, u32), u32>,
    /// Each `call_indirect` of a constant slot (the thunks): (type index, table name, slot).
    constant_calls: Vec<(u32, String, u32)>,
}

fn read(what: &str, wasm: &[u8]) -> Result<Facts> {
    let types = Validator::new_with_features(FEATURES)
        .validate_all(wasm)
        .with_context(|| format!("{what} does not validate"))?;
    let mut facts = Facts {
        types,
        imports: Vec::new(),
        exports: HashMap::new(),
        functions: 0,
        data: Vec::new(),
        slots: HashMap::new(),
        constant_calls: Vec::new(),
    };
    // Table index → name, known once the import and export sections are read.
    let mut table_names: Vec<String> = Vec::new();
    let table_name = |names: &[String], i: u32| names.get(i as usize).cloned().unwrap_or_default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let import = import?;
                    if let TypeRef::Table(_) = import.ty {
                        table_names.push(import.name.to_string());
                    }
                    facts.imports.push((
                        import.module.to_string(),
                        import.name.to_string(),
                        import.ty,
                    ));
                }
            }
            Payload::ExportSection(exports) => {
                for export in exports {
                    let export = export?;
                    if export.kind == ExternalKind::Table {
                        let i = export.index as usize;
                        table_names.resize(table_names.len().max(i + 1), String::new());
                        table_names[i] = export.name.to_string();
                    }
                    facts
                        .exports
                        .insert(export.name.to_string(), (export.kind, export.index));
                }
            }
            Payload::FunctionSection(funcs) => facts.functions = funcs.count() as usize,
            Payload::ElementSection(elements) => {
                for element in elements {
                    let element = element?;
                    let ElementKind::Active {
                        table_index,
                        offset_expr,
                    } = element.kind
                    else {
                        bail!("{what} has a passive or declared element segment");
                    };
                    let ElementItems::Functions(funcs) = element.items else {
                        bail!("{what} has an element segment of expressions");
                    };
                    let table = table_name(&table_names, table_index.unwrap_or(0));
                    let base = const_i32(offset_expr.get_operators_reader())?;
                    for (i, f) in funcs.into_iter().enumerate() {
                        facts.slots.insert((table.clone(), base + i as u32), f?);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut previous = None;
                for op in body.get_operators_reader()? {
                    let op = op?;
                    if let (
                        Some(Operator::I32Const { value }),
                        Operator::CallIndirect {
                            type_index,
                            table_index,
                        },
                    ) = (&previous, &op)
                    {
                        let table = table_name(&table_names, *table_index);
                        facts
                            .constant_calls
                            .push((*type_index, table, *value as u32));
                    }
                    previous = Some(op);
                }
            }
            Payload::DataSection(data) => {
                for data in data {
                    let data = data?;
                    let DataKind::Active { offset_expr, .. } = data.kind else {
                        bail!("{what} has a passive data segment");
                    };
                    facts.data.push((
                        const_i32(offset_expr.get_operators_reader())?,
                        data.data.to_vec(),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(facts)
}

/// Checks the split and returns the line of sizes to print.
pub fn check(input: &[u8], split: &Split) -> Result<String> {
    let input = read("IN", input).context("IN needs features the splitter does not enable")?;
    let primary = read("PRIMARY", &split.primary)?;
    let secondary = read("SECONDARY", &split.secondary)?;

    // Every export of IN is one of either module's, of the same kind: a later part of a chain imports what
    // IN (an earlier primary) exported.
    for (name, &(kind, _)) in &input.exports {
        ensure!(
            [&primary, &secondary]
                .iter()
                .any(|facts| facts.exports.get(name).is_some_and(|&(k, _)| k == kind)),
            "neither module exports IN's `{name}`"
        );
    }

    // Every `__split` import is an export of the primary of the same kind and type.
    for (module, name, ty) in &secondary.imports {
        if module != SPLIT_MODULE {
            continue;
        }
        let &(kind, index) = primary
            .exports
            .get(name)
            .with_context(|| format!("PRIMARY does not export `{name}`"))?;
        let same = match (*ty, kind) {
            (TypeRef::Func(t), ExternalKind::Func) => {
                let (secondary_types, primary_types) =
                    (secondary.types.as_ref(), primary.types.as_ref());
                let wanted =
                    secondary_types[secondary_types.core_type_at_in_module(t)].unwrap_func();
                let given = primary_types[primary_types.core_function_at(index)].unwrap_func();
                wanted == given
            }
            (TypeRef::Memory(m), ExternalKind::Memory) => {
                m == primary.types.as_ref().memory_at(index)
            }
            // As instantiation matches them: the same elements, at least as many, no more than a maximum.
            (TypeRef::Table(t), ExternalKind::Table) => {
                let given = primary.types.as_ref().table_at(index);
                t.element_type == given.element_type
                    && t.table64 == given.table64
                    && given.initial >= t.initial
                    && t.maximum
                        .is_none_or(|max| given.maximum.is_some_and(|m| m <= max))
            }
            (TypeRef::Global(g), ExternalKind::Global) => {
                g == primary.types.as_ref().global_at(index)
            }
            _ => false,
        };
        ensure!(
            same,
            "SECONDARY imports `{SPLIT_MODULE}.{name}` as another kind or type than PRIMARY exports it"
        );
    }

    // Tables: every slot IN fills is filled by one of the modules (a later part of a chain may call any), no
    // slot is filled by both, and every constant `call_indirect` of the secondary (its thunks to the
    // primary's functions) finds a function of its type in the slot it calls. (IN's one function table has no
    // name there, and is exported or imported under one in the modules: IN's slots are compared by number.)
    let filled = |slot: u32| {
        [&primary, &secondary]
            .iter()
            .any(|facts| facts.slots.keys().any(|&(_, s)| s == slot))
    };
    if let Some((_, slot)) = input.slots.keys().find(|&&(_, slot)| !filled(slot)) {
        bail!("neither module fills slot {slot} of IN's function table");
    }
    if let Some((table, slot)) = secondary
        .slots
        .keys()
        .find(|key| primary.slots.contains_key(key))
    {
        bail!("both modules fill slot {slot} of table `{table}`");
    }
    for (ty, table, slot) in &secondary.constant_calls {
        let (secondary_types, primary_types) = (secondary.types.as_ref(), primary.types.as_ref());
        let wanted = secondary_types[secondary_types.core_type_at_in_module(*ty)].unwrap_func();
        let key = (table.clone(), *slot);
        let given = match (secondary.slots.get(&key), primary.slots.get(&key)) {
            (Some(&f), _) => secondary_types[secondary_types.core_function_at(f)].unwrap_func(),
            (None, Some(&f)) => primary_types[primary_types.core_function_at(f)].unwrap_func(),
            (None, None) => {
                bail!("SECONDARY calls slot {slot} of table `{table}`, which no module fills")
            }
        };
        ensure!(
            wanted == given,
            "SECONDARY calls slot {slot} of table `{table}` with another type than its function's"
        );
    }

    // Data: each module writes only IN's bytes; the secondary (instantiated once the primary has run) writes
    // nothing of the primary's data; together they write every non-zero byte of IN's image.
    let image = &split.image;
    let mut written = vec![false; image.len()];
    for (what, facts) in [("PRIMARY", &primary), ("SECONDARY", &secondary)] {
        for (address, bytes) in &facts.data {
            for (i, &byte) in bytes.iter().enumerate() {
                let a = *address as usize + i;
                ensure!(
                    image.get(a).copied().unwrap_or(0) == byte,
                    "{what} writes {byte:#x} at {a:#x}, IN does not"
                );
                if what == "SECONDARY" {
                    ensure!(
                        !split.primary_data.get(a).copied().unwrap_or(false),
                        "SECONDARY overwrites primary data at {a:#x}"
                    );
                }
                if let Some(w) = written.get_mut(a) {
                    *w = true;
                }
            }
        }
    }
    if let Some(a) = (0..image.len()).find(|&a| image[a] != 0 && !written[a]) {
        bail!("neither module writes IN's byte at {a:#x}");
    }

    let data = |facts: &Facts| {
        facts
            .data
            .iter()
            .map(|(_, bytes)| bytes.len())
            .sum::<usize>()
    };
    Ok(format!(
        "primary {} functions, {} bytes ({} data bytes); secondary {} functions ({} thunks), {} bytes ({} data bytes)",
        primary.functions,
        split.primary.len(),
        data(&primary),
        secondary.functions,
        secondary.constant_calls.len(),
        split.secondary.len(),
        data(&secondary),
    ))
}
