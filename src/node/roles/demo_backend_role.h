// The demo backend: a stand-in information system behind a provider's security server
// until the registries of the next stage exist. It answers
//   GET /person/{code}   a demo citizen (code, names, birth date) or 404 with a reason
//   GET /echo, POST /echo   what arrived: method, path, query, the X-Road headers, body size
// so that the tour and the tests can see what a security server passes on.
#pragma once

#include "net/router.h"

namespace riik::node {

void AddDemoBackendRoutes(net::Router& router);

}  // namespace riik::node
