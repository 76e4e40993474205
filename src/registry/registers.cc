// Which Register each kind is.
#include "registry/registers.h"

namespace riik::registry {

const Register& RegisterOf(Kind kind) {
  switch (kind) {
    case Kind::kPopulation:
      return kPopulationRegister;
    case Kind::kBusiness:
      return kBusinessRegister;
    case Kind::kTax:
      return kTaxBoard;
    case Kind::kBank:
      return kBank;
    case Kind::kEducation:
      return kEducationRegister;
  }
  return kPopulationRegister;
}

}  // namespace riik::registry
