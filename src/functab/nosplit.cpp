// The NOSPLIT stack check (the rules of Go 1.19's cmd/link stackcheck.go, own code):
// a function's height is the most stack it and its callees can use without a split check.
//   splittable function: 8 (its call to morestack, which runs on the system stack)
//   indirect call:       8 + 8 (assumed to reach a splittable function)
//   external function:   0 (not in any table: assumed to run on the system stack)
//   NOSPLIT function:    max over its calls of (SP delta at the call + 8 + callee height),
//                        and its largest SP delta
// A height above StackLimit-8 is reported with every chain from a root that goes over.
#include "functab/nosplit.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/hash.h"
#include "gostack/abi.h"

namespace gostack::functab {
namespace {

constexpr int kCallSize = 8;          // a CALL pushes the return address
constexpr int kCycle = (1 << 15) - 1; // Go stores heights as int16; a cycle is "infinite"
constexpr const char* kMorestack = "runtime.morestack";

// Nodes: index into funcs_, or one of these.
constexpr int kLeaf = -1;
constexpr int kIndirect = -2;
constexpr int kMorestackNode = -3;
constexpr int kFirstNode = kMorestackNode;  // the lowest node number

struct Edge {
  int growth;
  int target;  // a node
};

class Checker {
 public:
  Checker(const std::vector<const FuncTable*>& tables, bool record) : record_(record) {
    size_t n = 0;
    for (const FuncTable* t : tables) n += t->funcs.size();
    nodes_.reserve(n);
    for (const FuncTable* t : tables) {
      for (const FuncEntry& f : t->funcs) nodes_.push_back({&f, f.name, (f.flags & kFlagAbiInternal) != 0});
    }
    defined_ = nodes_.size();
  }

  size_t size() const { return defined_; }
  // The function of a node; nullptr for an external one.
  const FuncEntry* func(int n) const { return nodes_[static_cast<size_t>(n)].f; }

  int check(int node) {
    if (int& known = height(node); known != kUnknown) return known;
    height(node) = kCycle;
    std::vector<Edge> edges;
    int h = std::min(compute(node, edges), kCycle);
    height(node) = h;
    if (record_) graph_[node] = std::move(edges);
    return h;
  }

  // The height found for a node (kUnknown before check), by node number: the special
  // nodes first, then nodes_ in order.
  int& height(int node) {
    const auto i = static_cast<size_t>(node - kFirstNode);
    if (i >= heights_.size()) heights_.resize(nodes_.size() - kFirstNode + 1, kUnknown);
    return heights_[i];
  }

  std::string name(int node) const {
    switch (node) {
      case kIndirect: return "indirect";
      case kLeaf: return "leaf";
      case kMorestackNode: return std::string(kMorestack) + "<0>";
      default: break;
    }
    const Node& n = nodes_[static_cast<size_t>(node)];
    return std::string(n.name) + (n.abiinternal ? "<1>" : "<0>");
  }

  std::map<int, std::vector<Edge>> graph_;

 private:
  static constexpr int kUnknown = -1;
  struct Node {
    const FuncEntry* f;  // nullptr: external (called, but in no table)
    std::string_view name;  // the FuncEntry's or the Call's, which outlive the Checker
    bool abiinternal;
  };

  int resolve(const Call& c) {
    if (c.target.empty()) return kIndirect;
    if (c.target == kMorestack) return kMorestackNode;
    // The name index is made at the first named call: most units have no NOSPLIT function
    // that calls one, and then no name is hashed. The first function of a name wins.
    if (!names_indexed_) {
      by_name_.reserve(defined_);
      for (size_t i = 0; i < defined_; ++i) {
        if (!by_name_.contains(nodes_[i].name)) by_name_[nodes_[i].name] = static_cast<uint32_t>(i);
      }
      names_indexed_ = true;
    }
    if (const uint32_t* known = by_name_.find(c.target)) return static_cast<int>(*known);
    const auto node = static_cast<int>(nodes_.size());
    by_name_[c.target] = static_cast<uint32_t>(node);
    nodes_.push_back({nullptr, c.target, c.target_abiinternal});
    return node;
  }

  int compute(int node, std::vector<Edge>& edges) {
    if (node == kMorestackNode || node == kLeaf || (node >= 0 && func(node) == nullptr)) return 0;
    int max_height = 0;
    auto add_edge = [&](int growth, int target) {
      if (record_) edges.push_back({growth, target});
      int h = growth + (target != kLeaf ? check(target) : 0);
      max_height = std::max(max_height, h);
    };
    if (node == kIndirect) {
      add_edge(kCallSize, kMorestackNode);
      return max_height;
    }
    const FuncEntry& f = *func(node);
    if (!f.nosplit()) {
      add_edge(kCallSize, kMorestackNode);
      return max_height;
    }
    // The calls are walked in pc order. functab::build records them in that order already
    // (one per call relocation, in instruction order); only an out-of-order list (a table
    // read back from an object) is sorted, into a copy.
    auto by_pc = [](const Call& a, const Call& b) { return a.pc < b.pc; };
    const bool in_order = std::is_sorted(f.calls.begin(), f.calls.end(), by_pc);
    std::vector<const Call*> sorted;
    if (!in_order) {
      for (const Call& c : f.calls) sorted.push_back(&c);
      std::stable_sort(sorted.begin(), sorted.end(), [&](const Call* a, const Call* b) { return by_pc(*a, *b); });
    }
    auto call = [&](size_t k) -> const Call& { return in_order ? f.calls[k] : *sorted[k]; };
    size_t ci = 0;
    int max_local = 0;
    for (size_t i = 0; i < f.pcsp.size(); ++i) {
      uint32_t next = i + 1 < f.pcsp.size() ? f.pcsp[i + 1].pc : f.size;
      int h = f.pcsp[i].sp;
      max_local = std::max(max_local, h);
      for (; ci < f.calls.size() && call(ci).pc < next; ++ci) {
        add_edge(h + kCallSize, resolve(call(ci)));
      }
    }
    if (max_local > max_height) add_edge(max_local, kLeaf);
    return max_height;
  }

  bool record_;
  std::vector<Node> nodes_;
  size_t defined_ = 0;
  FlatIndex<std::string_view, NameHash> by_name_;  // node numbers; see resolve
  bool names_indexed_ = false;
  std::vector<int> heights_;
};

}  // namespace

int nosplit_limit() { return static_cast<int>(abi::kStackLimit) - kCallSize; }

std::vector<NosplitViolation> check_nosplit(const std::vector<const FuncTable*>& tables) {
  const int limit = nosplit_limit();
  std::vector<int> failed;
  {
    Checker quick(tables, false);
    for (size_t i = 0; i < quick.size(); ++i) {
      if (quick.check(static_cast<int>(i)) > limit) failed.push_back(static_cast<int>(i));
    }
  }
  if (failed.empty()) return {};

  // Second pass: record the call graph of the failing functions.
  Checker sc(tables, true);
  for (int n : failed) sc.check(n);

  // Roots: nodes no other recorded node reaches; an unrooted cycle keeps its lowest node.
  std::map<int, bool> nodes;
  for (const auto& [n, e] : sc.graph_) nodes[n] = true;
  std::function<std::pair<bool, int>(int, int)> walk = [&](int origin, int n) -> std::pair<bool, int> {
    auto it = nodes.find(n);
    if (it == nodes.end()) return {false, 0};
    nodes.erase(it);
    if (origin == n) return {true, n};
    bool cycle = false;
    int lowest = 0;
    bool have_lowest = false;
    for (const Edge& e : sc.graph_[n]) {
      auto [c, l] = walk(origin, e.target);
      if (!c) continue;
      cycle = true;
      if (!have_lowest) {
        lowest = n;
        have_lowest = true;
      }
      lowest = std::min(lowest, l);
    }
    return {cycle, lowest};
  };
  std::vector<int> keys;
  for (const auto& [n, _] : nodes) keys.push_back(n);
  for (int k : keys) {
    if (!nodes.count(k)) continue;
    for (const Edge& e : sc.graph_[k]) {
      auto [cycle, lowest] = walk(k, e.target);
      if (cycle) nodes[lowest] = true;
    }
  }
  std::vector<int> roots;
  for (const auto& [n, _] : nodes) roots.push_back(n);
  std::stable_sort(roots.begin(), roots.end(), [&](int a, int b) {
    int ha = sc.height(a), hb = sc.height(b);
    return ha != hb ? ha > hb : a < b;
  });

  std::vector<NosplitViolation> out;
  for (int root : roots) {
    NosplitViolation v;
    if (root >= 0) v.root = sc.func(root);
    struct Link {
      Edge edge;
      bool printed;
    };
    std::vector<Link> chain{{{0, root}, false}};
    // Depth-first over the out-edges; a chain ends at a node without edges (morestack,
    // a leaf growth) or where it comes back around a cycle. Over-limit chains are printed,
    // sharing the lines already printed for their common prefix.
    std::function<void(int, int)> report = [&](int n, int depth) {
      auto it = sc.graph_.find(n);
      bool is_cycle = it == sc.graph_.end() && n != kLeaf;
      std::vector<Edge> edges;
      if (it != sc.graph_.end()) {
        edges = std::move(it->second);
        sc.graph_.erase(it);
      }
      for (const Edge& e : edges) {
        chain.push_back({e, false});
        report(e.target, depth - e.growth);
        chain.pop_back();
      }
      sc.graph_[n] = edges;  // put back (a cycle node now has none, as in Go)
      if (!edges.empty() || !(depth < 0 || is_cycle)) return;
      std::string indent;
      for (size_t i = 0; i < chain.size(); ++i) {
        if (chain[i].printed) continue;
        chain[i].printed = true;
        if (i == 0) {
          v.lines.push_back(sc.name(chain[i].edge.target));
          continue;
        }
        indent.assign(4 * i, ' ');
        std::string line = indent + "grows " + std::to_string(chain[i].edge.growth) + " bytes";
        if (chain[i].edge.target != kLeaf) line += ", calls " + sc.name(chain[i].edge.target);
        v.lines.push_back(line);
      }
      v.lines.push_back(is_cycle ? indent + "infinite cycle"
                                 : indent + std::to_string(-depth) + " bytes over limit");
    };
    report(root, limit);
    out.push_back(std::move(v));
  }
  return out;
}

int report_nosplit(const FuncTable& table, const std::vector<NosplitViolation>& violations, Diag& diag) {
  for (const NosplitViolation& v : violations) {
    std::string msg = (v.root ? v.root->name : std::string("?")) + ": nosplit stack overflow (over " +
                      std::to_string(nosplit_limit()) + " byte limit)";
    for (const std::string& l : v.lines) msg += "\n\t" + l;
    std::string file = v.root && v.root->decl_file < table.files.size() ? table.files[v.root->decl_file] : "";
    diag.stage_error(file, v.root ? v.root->decl_line : 0, msg);
  }
  return static_cast<int>(violations.size());
}

bool check_nosplit(const FuncTable& unit_table, Diag& diag) {
  return report_nosplit(unit_table, check_nosplit({&unit_table}), diag) == 0;
}

}  // namespace gostack::functab
