// Asking several services at once: each ask answers on whatever thread its call
// completes on; the last answer hands all of them, in order, to `done`.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace riik::portal {

// Calls `ask(i, answer)` for i in 0..count-1 (answer exactly once per ask); `done`
// runs once, on the thread of the last answer, with the answers in index order.
template <class T>
void FanOut(size_t count, const std::function<void(size_t, std::function<void(T)>)>& ask,
            std::function<void(std::vector<T>)> done) {
  struct State {
    std::mutex mu;
    std::vector<std::optional<T>> answers;
    size_t remaining = 0;
    std::function<void(std::vector<T>)> done;
  };
  auto state = std::make_shared<State>();
  state->answers.resize(count);
  state->remaining = count;
  state->done = std::move(done);
  if (count == 0) return state->done({});
  for (size_t i = 0; i < count; ++i) {
    ask(i, [state, i](T answer) {
      bool last = false;
      {
        std::lock_guard lock(state->mu);
        state->answers[i] = std::move(answer);
        last = --state->remaining == 0;
      }
      if (!last) return;
      std::vector<T> all;  // every other answer is in: no lock needed
      all.reserve(state->answers.size());
      for (auto& a : state->answers) all.push_back(std::move(*a));
      state->done(std::move(all));
    });
  }
}

}  // namespace riik::portal
