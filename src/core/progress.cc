#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace riik {
namespace {

std::string Human(double n) {
  char buf[32];
  if (n >= 1e6) snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 1e4) snprintf(buf, sizeof buf, "%.0fk", n / 1e3);
  else snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, int64_t total, bool force)
    : label_(std::move(label)), total_(total), enabled_(force || isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(int64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void ProgressBar::Draw(bool final_draw) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double frac = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  if (frac > 1) frac = 1;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
  std::string eta = "";
  if (!final_draw && rate > 0 && total_ > done_) eta = " ETA " + std::to_string(static_cast<int>((total_ - done_) / rate)) + "s";
  std::fprintf(stderr, "\r%-10s [%s] %3d%% %s/%s %s/s%s%s", label_.c_str(), bar.c_str(), static_cast<int>(frac * 100),
               Human(static_cast<double>(done_)).c_str(), Human(static_cast<double>(total_)).c_str(), Human(rate).c_str(),
               eta.c_str(), final_draw ? "\n" : "   ");
  std::fflush(stderr);
}

}  // namespace riik
