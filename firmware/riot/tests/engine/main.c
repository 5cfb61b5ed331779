/*
 * engine_test: runs the cases (cases/cases.c) in their own thread, as the agent runs
 * its engine; the cases power the (native) board off when they are done.
 */
void engine_cases_start(void);

int main(void)
{
    engine_cases_start();
    return 0;
}
