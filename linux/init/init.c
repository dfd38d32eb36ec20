int main(void)
{
	printf("@hvb {\"event\":\"hello\"}\n");
	printf("@hvb {\"event\":\"done\",\"status\":0}\n");
	reboot(LINUX_REBOOT_CMD_RESTART);
	return 0;
}
