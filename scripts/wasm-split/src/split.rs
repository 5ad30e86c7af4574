//! The split itself, on walrus's IR of the optimised module, parsed twice: one copy becomes the primary, the
//! other the secondary. Both copies number their items alike, so an item's index in one names it in the other.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, bail};
use walrus::ir::{Value, Visitor, dfs_in_order};
use walrus::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExportItem, FunctionBuilder, FunctionId,
    FunctionKind, GlobalId, GlobalKind, ImportKind, LocalId, MemoryId, Module, ModuleConfig,
    RefType, TableId,
};

use crate::linked::{self, Linked};

/// The import module name under which the secondary finds the primary's instance.
pub const SPLIT_MODULE: &str = "__split";

/// Zero bytes a data segment may cover rather than end and start anew. A segment's header (flags, `i32.const`
/// address, `end`, length) is some 7 bytes that gzip hardly compresses, where a run of zeros costs it next to
/// nothing: 32 measured best (2026-12-04: the secondary 123 B smaller gzipped than with 8, the primary the same;
/// wasm-opt cannot re-pack the secondary's segments, its memory being imported).
const MAX_ZERO_GAP: usize = 32;

pub struct Split {
    pub primary: Vec<u8>,
    pub secondary: Vec<u8>,
    /// IN's initial memory image from address 0, and which of its addresses hold primary data.
    pub image: Vec<u8>,
    pub primary_data: Vec<bool>,
}

pub fn split(
    input: &[u8],
    linked: &Linked,
    secondary_exports: &[&str],
    keep_names: bool,
) -> Result<Split> {
    let mut config = ModuleConfig::new();
    config
        .generate_name_section(keep_names)
        .generate_producers_section(false);
    let mut prim = config.parse(input).context("parsing IN")?;
    let mut sec = config.parse(input).context("parsing IN")?;

    let funcs: Vec<FunctionId> = prim.funcs.iter().map(|f| f.id()).collect();
    let index: HashMap<FunctionId, usize> =
        funcs.iter().enumerate().map(|(i, &f)| (f, i)).collect();
    let name = |i: usize| prim.funcs.get(funcs[i]).name.as_deref();
    let callees = callees(&prim, &index);
    // Without names (wasm-opt without -g) nothing matches LINKED's functions, and no data would be the primary's.
    let locals: Vec<usize> = (0..funcs.len())
        .filter(|&i| matches!(prim.funcs.get(funcs[i]).kind, FunctionKind::Local(_)))
        .collect();
    let known = locals
        .iter()
        .filter(|&&i| name(i).is_some_and(|n| linked.knows(n)))
        .count();
    if known * 2 < locals.len() {
        bail!(
            "only {known} of IN's {} functions have a name LINKED knows: keep IN's names (wasm-opt -g)",
            locals.len()
        );
    }

    for wanted in secondary_exports {
        if prim.exports.iter().all(|e| e.name != *wanted) {
            bail!("IN has no export `{wanted}`");
        }
    }
    let mut roots: Vec<usize> = prim
        .exports
        .iter()
        .filter(|e| !secondary_exports.contains(&e.name.as_str()))
        .filter_map(|e| match e.item {
            ExportItem::Function(f) => Some(index[&f]),
            _ => None,
        })
        .collect();
    roots.extend(prim.start.map(|f| index[&f]));
    let slots = table_slots(&prim, &index)?;

    // A table slot is the primary's if the primary's code can reach it: if its function is in the linked
    // module's closure of the primary (through a call, a function pointer in code, or a vtable in data it
    // reaches), or if the linked module does not know the function (a wasm-bindgen shim: be conservative).
    // Those slots' functions are roots too, and their references may reach more: repeat until nothing changes.
    let mut primary = reach(&callees, roots.iter().copied());
    let closure = loop {
        let closure = linked.closure(primary.iter().filter_map(|&i| name(i)));
        let slot_roots = slots
            .iter()
            .filter(|s| name(s.func).is_none_or(|n| linked.may_reach(&closure, n)));
        let next = reach(
            &callees,
            roots.iter().copied().chain(slot_roots.map(|s| s.func)),
        );
        if next == primary {
            break closure;
        }
        primary = next;
    };
    let (primary_slots, secondary_slots): (Vec<Slot>, Vec<Slot>) = slots
        .into_iter()
        .partition(|s| name(s.func).is_none_or(|n| linked.may_reach(&closure, n)));

    // The initial memory image, and the addresses of the data the primary's closure reaches.
    let image = memory_image(&prim)?;
    // wasm-bindgen and wasm-opt keep every data byte at its address (wasm-opt only drops zeros), and a primary
    // split off before (a chain) has only some of them: a non-zero byte LINKED does not have means IN was not
    // built from LINKED, and LINKED's symbols would attribute the wrong bytes.
    if let Some(a) = (0..image.len())
        .find(|&a| image[a] != 0 && linked.image.get(a).copied().unwrap_or(0) != image[a])
    {
        bail!(
            "IN's initial memory differs from LINKED's at {a:#x}: were they built from one cargo build?"
        );
    }
    let primary_data = linked::covered(&closure.data, image.len());
    let primary_segments = segments(&image, |a| primary_data[a], |a| image[a] == 0);
    let secondary_segments = segments(
        &image,
        |a| !primary_data[a],
        |a| image[a] == 0 && !primary_data[a],
    );

    // The secondary imports the primary's memory, tables and globals. The primary functions it calls are not
    // exports of the primary (an export costs its name on every page load, some 5 bytes, where a table slot
    // costs 1 or 2): the primary's function table gets a slot for each after its own, and the secondary calls
    // each through a local thunk, `call_indirect` of its slot. (The primary's other functions are unreachable
    // in the secondary: the GC drops them.)
    let is_primary = {
        let mut is = vec![false; funcs.len()];
        primary.iter().for_each(|&i| is[i] = true);
        is
    };
    let secondary_roots = prim
        .exports
        .iter()
        .filter(|e| secondary_exports.contains(&e.name.as_str()))
        .filter_map(|e| match e.item {
            ExportItem::Function(f) => Some(index[&f]),
            _ => None,
        })
        .chain(secondary_slots.iter().map(|s| s.func));
    let called: Vec<usize> = reach_until(&callees, secondary_roots, |i| is_primary[i])
        .into_iter()
        .filter(|&i| {
            is_primary[i] && matches!(prim.funcs.get(funcs[i]).kind, FunctionKind::Local(_))
        })
        .collect();
    let tables: Vec<TableId> = sec.tables.iter().map(|t| t.id()).collect();
    let table = tables
        .iter()
        .position(|&t| sec.tables.get(t).element_ty == RefType::FUNCREF)
        .context("IN has no function table")?;
    let base = sec.tables.get(tables[table]).initial as u32;
    let sec_funcs: Vec<FunctionId> = sec.funcs.iter().map(|f| f.id()).collect();
    // A function the primary's table holds already (a vtable's, or in a chain a later part's thunk slot) is
    // called through that slot: a second slot would cost the primary its element-segment entry on every
    // page load.
    let mut held: HashMap<usize, u32> = HashMap::new();
    for s in primary_slots.iter().filter(|s| s.table == table) {
        held.entry(s.func).or_insert(s.slot);
    }
    let mut thunk_slots = Vec::new();
    for &i in &called {
        let slot = match held.get(&i) {
            Some(&slot) => slot,
            None => {
                let slot = base + thunk_slots.len() as u32;
                thunk_slots.push(Slot {
                    table,
                    slot,
                    func: i,
                });
                slot
            }
        };
        make_thunk(&mut sec, sec_funcs[i], slot, tables[table]);
    }
    for module in [&mut prim, &mut sec] {
        let t = module
            .tables
            .iter_mut()
            .nth(table)
            .expect("the function table");
        t.initial += thunk_slots.len() as u64;
        t.maximum = t.maximum.map(|max| max.max(t.initial));
    }
    // The secondary imports its tables without a maximum: a later split of the primary (a chain) grows the
    // function table by its own thunks' slots, and an import with a maximum would refuse the larger table.
    for t in sec.tables.iter_mut() {
        t.maximum = None;
    }
    let definitions = import_definitions(&mut sec);
    let dropped: Vec<_> = sec
        .exports
        .iter()
        .filter(|e| !secondary_exports.contains(&e.name.as_str()))
        .map(|e| e.id())
        .collect();
    dropped.into_iter().for_each(|e| sec.exports.delete(e));
    // Its slots and data are written when it is instantiated, after the primary's start has run.
    sec.start = None;
    set_table_slots(
        &mut sec,
        &secondary_slots.iter().collect::<Vec<_>>(),
        &sec_funcs,
    )?;
    set_data(&mut sec, &secondary_segments)?;
    strip(&mut sec, false);
    walrus::passes::gc::run(&mut sec);

    export_definitions(&mut prim, &mut sec, &definitions, secondary_exports)?;

    let dropped: Vec<_> = prim
        .exports
        .iter()
        .filter(|e| secondary_exports.contains(&e.name.as_str()))
        .map(|e| e.id())
        .collect();
    dropped.into_iter().for_each(|e| prim.exports.delete(e));
    let primary_slots: Vec<&Slot> = primary_slots.iter().chain(&thunk_slots).collect();
    set_table_slots(&mut prim, &primary_slots, &funcs)?;
    set_data(&mut prim, &primary_segments)?;
    strip(&mut prim, keep_names);
    walrus::passes::gc::run(&mut prim);

    Ok(Split {
        primary: prim.emit_wasm(),
        secondary: sec.emit_wasm(),
        image,
        primary_data,
    })
}

/// The secondary's memories, tables and globals, in the order the two copies of IN share.
struct Definitions {
    memories: Vec<MemoryId>,
    tables: Vec<TableId>,
    globals: Vec<GlobalId>,
}

/// Makes the secondary's memories, tables and globals imports of the primary's, with placeholder names until
/// the GC has dropped the unused ones.
fn import_definitions(sec: &mut Module) -> Definitions {
    let memories: Vec<_> = sec.memories.iter().map(|m| m.id()).collect();
    for &m in &memories {
        if sec.memories.get(m).import.is_none() {
            let import = sec.imports.add(SPLIT_MODULE, "", ImportKind::Memory(m));
            sec.memories.get_mut(m).import = Some(import);
        }
    }
    let tables: Vec<_> = sec.tables.iter().map(|t| t.id()).collect();
    for &t in &tables {
        if sec.tables.get(t).import.is_none() {
            let import = sec.imports.add(SPLIT_MODULE, "", ImportKind::Table(t));
            sec.tables.get_mut(t).import = Some(import);
        }
    }
    let globals: Vec<_> = sec.globals.iter().map(|g| g.id()).collect();
    for &g in &globals {
        if let GlobalKind::Local(_) = sec.globals.get(g).kind {
            let import = sec.imports.add(SPLIT_MODULE, "", ImportKind::Global(g));
            sec.globals.get_mut(g).kind = GlobalKind::Import(import);
        }
    }
    Definitions {
        memories,
        tables,
        globals,
    }
}

/// Names the secondary's `__split` imports after exports of the primary: the name the primary already exports
/// the item by if any (the secondary's bytes are paid once, on sign-in), else a short fresh one, added to the
/// primary's exports (paid on every page load).
fn export_definitions(
    prim: &mut Module,
    sec: &mut Module,
    definitions: &Definitions,
    secondary_exports: &[&str],
) -> Result<()> {
    let memories: Vec<_> = prim.memories.iter().map(|m| m.id()).collect();
    let tables: Vec<_> = prim.tables.iter().map(|t| t.id()).collect();
    let globals: Vec<_> = prim.globals.iter().map(|g| g.id()).collect();
    let mut exported: Vec<(ExportItem, String)> = prim
        .exports
        .iter()
        .filter(|e| !secondary_exports.contains(&e.name.as_str()))
        .map(|e| (e.item, e.name.clone()))
        .collect();
    let taken: HashSet<String> = prim.exports.iter().map(|e| e.name.clone()).collect();
    let mut fresh = (0..).map(base36).filter(|n| !taken.contains(n));
    let imports: Vec<_> = sec
        .imports
        .iter()
        .filter(|i| i.module == SPLIT_MODULE)
        .map(|i| i.id())
        .collect();
    for import in imports {
        let item = match sec.imports.get(import).kind {
            ImportKind::Memory(m) => {
                ExportItem::Memory(memories[position(&definitions.memories, m)])
            }
            ImportKind::Table(t) => ExportItem::Table(tables[position(&definitions.tables, t)]),
            ImportKind::Global(g) => ExportItem::Global(globals[position(&definitions.globals, g)]),
            // The secondary calls the primary's functions through the table, never imports them.
            ImportKind::Function(_) => unreachable!("a primary function imported"),
            ImportKind::Tag(_) => bail!("IN has tags (exception handling): not supported"),
        };
        let name = match exported.iter().find(|(i, _)| same(*i, item)) {
            Some((_, name)) => name.clone(),
            None => {
                let name = fresh.next().expect("endless names");
                prim.exports.add(&name, item);
                exported.push((item, name.clone()));
                name
            }
        };
        sec.imports.get_mut(import).name = name;
    }
    Ok(())
}

/// Where `id` is in `ids` (an item of one copy of IN, in the order the copies share).
fn position<T: PartialEq>(ids: &[T], id: T) -> usize {
    ids.iter()
        .position(|x| *x == id)
        .expect("item of the parsed module")
}

fn same(a: ExportItem, b: ExportItem) -> bool {
    match (a, b) {
        (ExportItem::Function(a), ExportItem::Function(b)) => a == b,
        (ExportItem::Memory(a), ExportItem::Memory(b)) => a == b,
        (ExportItem::Table(a), ExportItem::Table(b)) => a == b,
        (ExportItem::Global(a), ExportItem::Global(b)) => a == b,
        _ => false,
    }
}

/// The functions each function refers to (calls, `ref.func`), by index.
fn callees(module: &Module, index: &HashMap<FunctionId, usize>) -> Vec<Vec<usize>> {
    struct Refs<'a> {
        index: &'a HashMap<FunctionId, usize>,
        found: Vec<usize>,
    }
    impl Visitor<'_> for Refs<'_> {
        fn visit_function_id(&mut self, f: &FunctionId) {
            self.found.push(self.index[f]);
        }
    }
    module
        .funcs
        .iter()
        .map(|f| match &f.kind {
            FunctionKind::Local(local) => {
                let mut refs = Refs {
                    index,
                    found: Vec::new(),
                };
                dfs_in_order(&mut refs, local, local.entry_block());
                refs.found
            }
            _ => Vec::new(),
        })
        .collect()
}

/// Every function reachable from `roots`, sorted.
fn reach(callees: &[Vec<usize>], roots: impl Iterator<Item = usize>) -> Vec<usize> {
    reach_until(callees, roots, |_| false)
}

/// Every function reachable from `roots` without going through a function `stop` selects (those reached are in
/// the result, what they reach is not), sorted.
fn reach_until(
    callees: &[Vec<usize>],
    roots: impl Iterator<Item = usize>,
    stop: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut seen = vec![false; callees.len()];
    let mut stack: Vec<usize> = roots.collect();
    while let Some(f) = stack.pop() {
        if !std::mem::replace(&mut seen[f], true) && !stop(f) {
            stack.extend(&callees[f]);
        }
    }
    (0..callees.len()).filter(|&f| seen[f]).collect()
}

/// Makes `f` a function of the same type that calls, through `table`, the function at `slot`.
fn make_thunk(module: &mut Module, f: FunctionId, slot: u32, table: TableId) {
    let ty = module.funcs.get(f).ty();
    let (params, results) = {
        let ty = module.types.get(ty);
        (ty.params().to_vec(), ty.results().to_vec())
    };
    let mut builder = FunctionBuilder::new(&mut module.types, &params, &results);
    let args: Vec<LocalId> = params.iter().map(|&p| module.locals.add(p)).collect();
    let mut body = builder.func_body();
    for &arg in &args {
        body.local_get(arg);
    }
    body.i32_const(slot as i32).call_indirect(ty, table);
    module.funcs.get_mut(f).kind = FunctionKind::Local(builder.local_func(args));
}

/// A function placed in a table by IN's element segments.
struct Slot {
    table: usize,
    slot: u32,
    func: usize,
}

fn table_slots(module: &Module, index: &HashMap<FunctionId, usize>) -> Result<Vec<Slot>> {
    let tables: Vec<_> = module.tables.iter().map(|t| t.id()).collect();
    let mut slots = Vec::new();
    for element in module.elements.iter() {
        let ElementKind::Active { table, offset } = &element.kind else {
            bail!("IN has a passive or declared element segment: not supported");
        };
        let table = tables
            .iter()
            .position(|&t| t == *table)
            .expect("table of the module");
        let base = const_i32(offset)?;
        let funcs: Vec<Option<FunctionId>> = match &element.items {
            ElementItems::Functions(funcs) => funcs.iter().copied().map(Some).collect(),
            ElementItems::Expressions(_, exprs) => exprs
                .iter()
                .map(|e| match e {
                    ConstExpr::RefFunc(f) => Ok(Some(*f)),
                    ConstExpr::RefNull(_) => Ok(None),
                    _ => bail!(
                        "IN has an element segment item that is neither ref.func nor ref.null"
                    ),
                })
                .collect::<Result<_>>()?,
        };
        for (i, func) in funcs.into_iter().enumerate() {
            if let Some(f) = func {
                slots.push(Slot {
                    table,
                    slot: base + i as u32,
                    func: index[&f],
                });
            }
        }
    }
    Ok(slots)
}

/// Replaces the module's element segments with ones that fill exactly `slots`, one segment per run of
/// consecutive slots.
fn set_table_slots(module: &mut Module, slots: &[&Slot], funcs: &[FunctionId]) -> Result<()> {
    let old: Vec<_> = module.elements.iter().map(|e| e.id()).collect();
    old.into_iter().for_each(|e| module.elements.delete(e));
    let tables: Vec<_> = module.tables.iter().map(|t| t.id()).collect();
    for &t in &tables {
        module.tables.get_mut(t).elem_segments.clear();
    }
    let mut slots: Vec<&Slot> = slots.to_vec();
    slots.sort_by_key(|s| (s.table, s.slot));
    for run in slots.chunk_by(|a, b| a.table == b.table && a.slot + 1 == b.slot) {
        let table = tables[run[0].table];
        let kind = ElementKind::Active {
            table,
            offset: ConstExpr::Value(Value::I32(run[0].slot as i32)),
        };
        let items = ElementItems::Functions(run.iter().map(|s| funcs[s.func]).collect());
        let id = module.elements.add(kind, items);
        module.tables.get_mut(table).elem_segments.insert(id);
    }
    Ok(())
}

/// IN's initial memory image: its active data segments' bytes at their addresses, from address 0.
fn memory_image(module: &Module) -> Result<Vec<u8>> {
    if module.memories.iter().count() != 1 {
        bail!("IN must have exactly one memory");
    }
    let mut image = Vec::new();
    for data in module.data.iter() {
        let DataKind::Active { offset, .. } = &data.kind else {
            bail!("IN has a passive data segment: not supported");
        };
        let start = const_i32(offset)? as usize;
        let end = start + data.value.len();
        if image.len() < end {
            image.resize(end, 0);
        }
        image[start..end].copy_from_slice(&data.value);
    }
    Ok(image)
}

/// Active segments for the non-zero bytes at the addresses `carry` selects. A segment goes on across a short
/// run of zero bytes where `may_cover` allows it (writing zeros there changes nothing) rather than pay for
/// another segment's header.
fn segments(
    image: &[u8],
    carry: impl Fn(usize) -> bool,
    may_cover: impl Fn(usize) -> bool,
) -> Vec<(u32, Vec<u8>)> {
    let mut segments: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut last_end = 0; // one past the last byte the last segment wrote
    for a in (0..image.len()).filter(|&a| image[a] != 0 && carry(a)) {
        match segments.last_mut() {
            Some((_, bytes)) if a - last_end <= MAX_ZERO_GAP && (last_end..a).all(&may_cover) => {
                bytes.extend_from_slice(&image[last_end..=a]);
            }
            _ => segments.push((a as u32, vec![image[a]])),
        }
        last_end = a + 1;
    }
    segments
}

fn set_data(module: &mut Module, segments: &[(u32, Vec<u8>)]) -> Result<()> {
    let memory = module.memories.iter().next().context("no memory")?.id();
    let old: Vec<_> = module.data.iter().map(|d| d.id()).collect();
    old.into_iter().for_each(|d| module.data.delete(d));
    module.memories.get_mut(memory).data_segments.clear();
    for (address, bytes) in segments {
        let kind = DataKind::Active {
            memory,
            offset: ConstExpr::Value(Value::I32(*address as i32)),
        };
        let id = module.data.add(kind, bytes.clone());
        module.memories.get_mut(memory).data_segments.insert(id);
    }
    Ok(())
}

/// Drops the custom sections: the names (kept in IN only to match its functions with the linked module's)
/// and anything the linker or wasm-bindgen left.
fn strip(module: &mut Module, keep_names: bool) {
    let customs: Vec<_> = module.customs.iter().map(|(id, _)| id).collect();
    for id in customs {
        module.customs.delete(id);
    }
    module.producers.clear();
    if !keep_names {
        for f in module.funcs.iter_mut() {
            f.name = None;
        }
    }
}

fn const_i32(expr: &ConstExpr) -> Result<u32> {
    match expr {
        ConstExpr::Value(Value::I32(v)) => Ok(*v as u32),
        _ => bail!("IN has a segment offset that is not an i32.const"),
    }
}

/// `n` in base 36 (0-9, a-z): the shortest export names.
fn base36(mut n: u32) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut name = Vec::new();
    loop {
        name.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_short_zero_runs_only_where_allowed() {
        let far = 8 + MAX_ZERO_GAP + 1; // after MAX_ZERO_GAP + 1 zeros
        let mut image = vec![0; far + 2];
        image[1] = 1;
        image[4] = 2; // two zeros after byte 1: covered
        image[6] = 9; // another module's byte: may not be covered
        image[7] = 3;
        image[far] = 4; // too many zeros after byte 7: a new segment
        let ours = |a: usize| a != 6;
        let free = |a: usize| image[a] == 0;
        assert_eq!(
            segments(&image, ours, free),
            vec![(1, vec![1, 0, 0, 2]), (7, vec![3]), (far as u32, vec![4])]
        );
        // Where every byte may be covered, the run of zeros is still too long.
        assert_eq!(segments(&image, |_| true, |_| true).len(), 2);
        image[far - 1] = 5; // now MAX_ZERO_GAP zeros: covered
        assert_eq!(segments(&image, |_| true, |_| true).len(), 1);
    }

    #[test]
    fn base36_names() {
        let names: Vec<String> = [0, 9, 10, 35, 36, 1295, 1296]
            .into_iter()
            .map(base36)
            .collect();
        assert_eq!(names, ["0", "9", "a", "z", "10", "zz", "100"]);
    }
}
