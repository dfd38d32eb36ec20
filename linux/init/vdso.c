/* Finding __vdso_clock_gettime without a C library: the kernel maps the vDSO
 * (a small ELF shared object) and names its header in the aux vector; its
 * DT_HASH table gives the number of dynamic symbols to search. */
#include <linux/auxvec.h>
#include <linux/elf.h>
#include "hvb.h"

const unsigned long *init_auxv;

static unsigned long auxv_get(const unsigned long *auxv, unsigned long type)
{
	for (; auxv && auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == type)
			return auxv[1];
	return 0;
}

vdso_clock_fn vdso_clock_gettime(const unsigned long *auxv)
{
	const Elf64_Ehdr *eh = (const void *)auxv_get(auxv, AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *sym = NULL;
	const unsigned int *hash = NULL;
	const char *str = NULL;
	unsigned long bias = 0;
	int i, have_load = 0;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return NULL;
	ph = (const void *)((const char *)eh + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			bias = (unsigned long)eh + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
		}
	}
	if (!have_load || !dyn)
		return NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const void *)(bias + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			str = (const void *)(bias + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			hash = (const void *)(bias + dyn->d_un.d_ptr);
	}
	if (!sym || !str || !hash)
		return NULL;
	for (i = 0; i < (int)hash[1]; i++)
		if (sym[i].st_shndx != 0 && ELF64_ST_TYPE(sym[i].st_info) == STT_FUNC &&
		    !strcmp(str + sym[i].st_name, "__vdso_clock_gettime"))
			return (vdso_clock_fn)(bias + sym[i].st_value);
	return NULL;
}
