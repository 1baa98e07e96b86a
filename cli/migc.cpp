// Temporary: replaced by the real migc as soon as the parser and analysis land.
#include <cstdio>
int main() { std::fputs("migc: not built yet\n", stderr); return 2; }
