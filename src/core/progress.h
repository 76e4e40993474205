// A progress bar on stderr for long work: "verify  [#####.....]  52% 1.2M/2.3M 410k/s ETA 3s".
// Draws only when stderr is a terminal (or when forced), at most 10 times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace riik {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total, bool force = false);
  ~ProgressBar();  // Finish()

  void Update(int64_t done);
  // Draws the final state and ends the line.
  void Finish();

 private:
  void Draw(bool final_draw);
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace riik
