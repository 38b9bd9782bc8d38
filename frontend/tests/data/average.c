// Floats are not supported: converting `average` fails with a message naming fadd.
double average(const double *xs, int n) {
    double s = 0;
    for (int i = 0; i < n; i++)
        s += xs[i];
    return s / n;
}
