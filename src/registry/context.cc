// AnswerOnWorker.
#include "registry/context.h"

#include <memory>

namespace riik::registry {

void AnswerOnWorker(RegistryContext& context, net::Responder respond, std::function<net::HttpResponse()> answer) {
  if (context.workers == nullptr) return respond(answer());
  auto held = std::make_shared<net::Responder>(std::move(respond));
  context.workers->Submit([held, answer = std::move(answer)] { (*held)(answer()); });
}

}  // namespace riik::registry
