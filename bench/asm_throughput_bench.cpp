// In-process assembler throughput: loads a list of .s files into memory once, then assembles
// all of them again and again through the driver's pipeline (assemble_text, the nosplit check,
// the ELF object into memory; no -S) and reports source lines per second on one thread.
//
// Usage: asm_throughput_bench LIST [--seconds S] [--min-reps N]
// LIST has one file per line, tab-separated: path, package path (-p), 0/1 (-compiling-runtime),
// the directory of its go_asm.h ("-" if none), Go's pkg/include directory. bench/asm_throughput.py
// writes it from the corpus manifests. Lines are the '\n' count of the listed files themselves
// (their #included headers are read and assembled but not counted). Each pass is timed in CPU
// time of this thread (what one core delivers, less disturbed by other load on the machine)
// and in wall time.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "functab/nosplit.h"
#include "object/elf_writer.h"

namespace {

struct Job {
  std::string path;
  std::string text;
  gostack::AsmOptions opts;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, '\t')) out.push_back(f);
  return out;
}

// The options `go build` passes (see tests/diff/run_diff.py), as the driver would set them.
bool load(const std::string& list, std::vector<Job>& jobs, long& lines) {
  std::ifstream in(list);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", list.c_str());
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f = split_tabs(line);
    if (f.size() != 5) continue;
    Job j;
    j.path = f[0];
    std::ifstream src(j.path, std::ios::binary);
    if (!src) {
      std::fprintf(stderr, "cannot read %s\n", j.path.c_str());
      return false;
    }
    std::stringstream buf;
    buf << src.rdbuf();
    j.text = buf.str();
    lines += std::count(j.text.begin(), j.text.end(), '\n');
    j.opts.pkgpath = f[1];
    j.opts.parse.compiling_runtime = f[2] == "1";
    if (f[3] != "-") j.opts.parse.include_dirs.push_back(f[3]);
    j.opts.parse.include_dirs.push_back(f[4]);
    for (const char* d : {"GOOS_linux", "GOARCH_amd64", "GOAMD64_v1"})
      j.opts.parse.defines.emplace_back(d, std::nullopt);
    jobs.push_back(std::move(j));
  }
  return true;
}

// One file as `gostack asm` handles it; returns the object size, or -1 after an error.
long assemble(const Job& j) {
  gostack::Unit unit;
  gostack::Diag diag(stderr);
  std::vector<uint8_t> obj;
  try {
    if (!gostack::assemble_text(unit, diag, j.path, j.text, j.opts)) return -1;
    const gostack::functab::FuncTable table = gostack::functab::build(unit, diag);
    if (!gostack::functab::check_nosplit(table, diag)) return -1;
    if (!gostack::write_elf_object(unit, obj, diag, &table)) return -1;
  } catch (const gostack::TooManyErrors&) {
    return -1;
  }
  return static_cast<long>(obj.size());
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: asm_throughput_bench LIST [--seconds S] [--min-reps N]\n");
    return 2;
  }
  double seconds = 3;
  int min_reps = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (a == "--min-reps") min_reps = std::atoi(argv[i + 1]);
  }
  std::vector<Job> jobs;
  long lines = 0;
  if (!load(argv[1], jobs, lines) || jobs.empty()) return 1;

  using Clock = std::chrono::steady_clock;
  std::vector<double> reps, cpu;
  long bytes = 0;
  const Clock::time_point start = Clock::now();
  while (static_cast<int>(reps.size()) < min_reps ||
         std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    const Clock::time_point t0 = Clock::now();
    const double c0 = thread_cpu_seconds();
    bytes = 0;
    for (const Job& j : jobs) {
      long n = assemble(j);
      if (n < 0) {
        std::fprintf(stderr, "%s: assembly failed\n", j.path.c_str());
        return 1;
      }
      bytes += n;
    }
    cpu.push_back(thread_cpu_seconds() - c0);
    reps.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(reps.begin(), reps.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = reps[reps.size() / 2], cpu_median = cpu[cpu.size() / 2];
  std::printf("%zu files, %ld source lines (top files, headers not counted), %ld object bytes\n",
              jobs.size(), lines, bytes);
  std::printf("%zu passes, per pass: median %.2f ms CPU (best %.2f), median %.2f ms wall (best %.2f)\n",
              reps.size(), cpu_median * 1e3, cpu.front() * 1e3, median * 1e3, reps.front() * 1e3);
  std::printf("throughput: %.0f lines per CPU second (median pass; best %.0f), %.0f lines/s wall\n",
              lines / cpu_median, lines / cpu.front(), lines / median);
  return 0;
}
