// NSGA-II (Deb et al. 2002) over the networks of a search space, minimizing
// the objective cost and maximizing proxy accuracy (docs/search.md).
#pragma once

#include "search/search_strategy.h"

namespace axbnn {

std::unique_ptr<SearchStrategy> makeNsga2();

} // namespace axbnn
