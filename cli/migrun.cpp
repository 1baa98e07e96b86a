// migrun: execute a plan. The runtime is being built (issue: migrun core).
#include <cstdio>
int main() {
  std::fputs("migrun: the runtime is not available in this build yet\n", stderr);
  return 2;
}
