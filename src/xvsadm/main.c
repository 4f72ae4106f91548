// SPDX-License-Identifier: GPL-2.0
/* xvsadm: the ipvsadm-compatible CLI of xvs. Everything lives in libxvsadm (run.c). */
#include "run.h"

int main(int argc, char **argv)
{
	return xvsadm_main(argc, argv);
}
