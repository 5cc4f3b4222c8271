"""The load benchmark (`make bench`, docs/performance.md). Not collected by pytest: no test_*.py."""
