#include "compiler/plan.hpp"

namespace mig {

const Task* CheckedPlan::task(const std::string& wanted) const {
  for (const Task& t : tasks)
    if (t.name == wanted) return &t;
  return nullptr;
}

}  // namespace mig
