// The status role: what a node runs and each store's journal head, over HTTP.
//   GET /v1/status                         version, uptime, roles, store heads
//   GET /v1/stores                         every store's journal head
//   GET /v1/stores/{store}/journal?after=S&limit=N   entries after seq S (N <= 1000)
//   GET /v1/stores/{store}/digest          state digest at the current head
//   GET /v1/embassy                        shipping to the data embassies: acked seq, lag
#pragma once

#include "net/router.h"

namespace riik::node {

class Node;

void AddStatusRoutes(Node& node, net::Router& router);

}  // namespace riik::node
