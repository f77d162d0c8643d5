from kiemdiem.cli import main

main()
