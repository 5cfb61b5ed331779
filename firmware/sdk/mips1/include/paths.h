#ifndef	_PATHS_H_
#define _PATHS_H_

#define _PATH_DEV	"/dev/"
#define _PATH_DEVNULL   "/dev/null"
#define _PATH_DEVZERO   "/dev/zero"
#define _PATH_BSHELL    "/bin/sh"

#endif /* _PATHS_H_ */
