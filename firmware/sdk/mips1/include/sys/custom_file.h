#error System-specific custom_file.h is missing.

